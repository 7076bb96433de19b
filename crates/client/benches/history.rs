//! History import benchmark (a bench binary, not a timed test):
//!
//!   cargo bench -p tandem-client --bench history            # 100 k messages
//!   TANDEM_BENCH_HISTORY=1000000 cargo bench -p tandem-client --bench history
//!
//! Times what a companion does per chunk (verify digest, decrypt, decompress, insert in one
//! transaction, index for search) on a real SQLCipher file, and, in the same run, a baseline
//! that inserts the same rows into a bare SQLite table with the same pragmas. Then search: a
//! term query (newest 50 with snippet) and a 3-letter prefix query, p50 and p95.

use std::time::{Duration, Instant};

use tandem_client::{SeedSpec, demo_history};
use tandem_proto::history::{
    CHUNK_MESSAGES, ChunkRef, HistoryChat, HistoryChunkBody, HistoryMessage, open_chunk, seal_chunk,
};
use tandem_proto::ids::AccountId;
use tandem_store::{HistoryChatRow, Store, StoredMessage};

/// `n` messages of demo history (the same generator as `tandem-cli seed-history`), in 500 chats.
fn messages(n: usize) -> Vec<HistoryMessage> {
    let own = AccountId::from_account_key(&[2; 32]);
    let spec = SeedSpec { chats: 500, messages_per_chat: (n / 500) as u32, days: 365, seed: 1 };
    demo_history(spec, &own, 1_800_000_000_000).1.iter().map(HistoryMessage::from).collect()
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let n: usize = std::env::var("TANDEM_BENCH_HISTORY").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let account = AccountId::from_account_key(&[1; 32]);
    let target = (&account, 1u32);
    let all = messages(n);
    let chunks: Vec<&[HistoryMessage]> = all.chunks(CHUNK_MESSAGES).collect();
    let count = chunks.len() as u32;
    // The phone's side (not timed).
    let sealed: Vec<(Vec<u8>, ChunkRef)> = chunks
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let body = HistoryChunkBody {
                chats: vec![HistoryChat { chat_id: "chat00000".into(), title: None, complete: true }],
                messages: part.to_vec(),
                ..HistoryChunkBody::default()
            };
            let key = [7u8; 32];
            let last = i as u32 + 1 == count;
            let (blob, digest) = seal_chunk(&body, &key, [i as u8; 12], target, "bench", i as u32, last).unwrap();
            let r = ChunkRef {
                bundle_id: "bench".into(),
                index: i as u32,
                last,
                blob_id: format!("b{i}"),
                key: key.to_vec(),
                digest: digest.to_vec(),
                size: blob.len() as u64,
                messages: part.len() as u32,
                bundle_messages: n as u64,
                bundle_chunks: count,
                request_id: None,
            };
            (blob, r)
        })
        .collect();

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("tandem.db"), &[9; 32]).unwrap();
    let start = Instant::now();
    let mut opening = Duration::ZERO;
    for (blob, r) in &sealed {
        let opened = Instant::now();
        let body = open_chunk(blob, r, target).unwrap();
        opening += opened.elapsed();
        let rows: Vec<StoredMessage> = body.messages.into_iter().map(StoredMessage::from).collect();
        let chats = vec![HistoryChatRow { chat_id: "chat00000".into(), title: None, complete: true }];
        store.import_history_chunk("bench", r.index, &rows, &chats, &[], 0).unwrap();
    }
    let ours = start.elapsed();

    // Baseline: the same rows into a bare table, same pragmas, one transaction per chunk.
    let bare = rusqlite::Connection::open(dir.path().join("bare.db")).unwrap();
    bare.pragma_update(None, "journal_mode", "WAL").unwrap();
    bare.pragma_update(None, "synchronous", "FULL").unwrap();
    bare.execute_batch(
        "CREATE TABLE messages (chat_id TEXT, message_id TEXT, sender_account TEXT, sender_device INTEGER, outgoing INTEGER,
         body TEXT, sent_ms INTEGER, stored_ms INTEGER, state TEXT, PRIMARY KEY (chat_id, message_id))",
    )
    .unwrap();
    let mut bare = bare;
    let start = Instant::now();
    for part in &chunks {
        let tx = bare.transaction().unwrap();
        {
            let mut stmt =
                tx.prepare_cached("INSERT INTO messages VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)").unwrap();
            for m in *part {
                stmt.execute(rusqlite::params![
                    m.chat_id,
                    m.message_id,
                    m.sender_account,
                    m.sender_device,
                    m.outgoing,
                    m.body,
                    m.sent_ms,
                    m.state
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    let baseline = start.elapsed();

    let runs = 20;
    let time = |query: &str| -> Vec<Duration> {
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                let hits = store.search(query, 50).unwrap();
                assert!(!hits.is_empty());
                start.elapsed()
            })
            .collect()
    };
    let term = time("sourdough");
    let prefix = time("sou*");
    println!("| benchmark ({n} messages, {count} chunks) | result |\n|---|---|");
    println!(
        "| import (digest, decrypt, decompress, insert, index) | {:.2} s ({:.0} msg/s) |",
        ours.as_secs_f64(),
        n as f64 / ours.as_secs_f64()
    );
    println!("| of which digest + decrypt + decompress + parse | {:.2} s |", opening.as_secs_f64());
    println!("| baseline: bare SQLite inserts, same pragmas | {:.2} s |", baseline.as_secs_f64());
    println!("| ratio import / baseline | {:.2} |", ours.as_secs_f64() / baseline.as_secs_f64());
    println!(
        "| search \"sourdough\", newest 50 with snippet: p50 / p95 | {:.2} ms / {:.2} ms |",
        percentile(term.clone(), 0.5).as_secs_f64() * 1e3,
        percentile(term, 0.95).as_secs_f64() * 1e3
    );
    println!(
        "| search prefix \"sou*\", newest 50: p50 / p95 | {:.2} ms / {:.2} ms |",
        percentile(prefix.clone(), 0.5).as_secs_f64() * 1e3,
        percentile(prefix, 0.95).as_secs_f64() * 1e3
    );
}
