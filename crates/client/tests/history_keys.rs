//! A history chunk's AES key lives on the companion only until the chunk is imported: after a
//! real sync from the phone, the database holds every chunk's reference but no key.

mod common;

use common::{Actor, TestRelay, approve_with_history, start_desktop, wait_for_view};
use tandem_client::SeedSpec;
use tandem_client::desktop::Screen;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_chunk_key_is_left_in_the_database_after_import() {
    let relay = TestRelay::start().await;
    let alice_phone = Actor::new("alice_phone").create_phone(&relay.url()).await;
    alice_phone.seed_history(SeedSpec { chats: 3, messages_per_chat: 50, days: 30, seed: 3 }).unwrap();
    let (profile, _app, mut views) = start_desktop(&relay.url());
    let linking = wait_for_view(&mut views, "a code", |v| v.screen == Screen::Linking).await.linking.unwrap();
    let pending = alice_phone.begin_link(&linking.uri).await.unwrap();
    let scope = pending.history_scope(None);
    approve_with_history(&alice_phone, pending, scope, &mut views).await;

    // The companion's own database file, opened as SQLCipher with its key (kept in a file here).
    let key = std::fs::read(profile.path().join("keys/db.key")).unwrap();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let db = rusqlite::Connection::open(profile.path().join("tandem.db")).unwrap();
    db.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";")).unwrap();
    let rows: Vec<(String, String, Option<String>)> = db
        .prepare("SELECT state, chunk, json_extract(chunk, '$.key') FROM history_chunks")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!rows.is_empty(), "the chunks are recorded");
    for (state, chunk, key) in &rows {
        assert_eq!(state, "imported");
        assert_eq!(key, &None, "an imported chunk keeps no key: {chunk}");
        assert!(!chunk.contains("\"key\""), "{chunk}");
        assert!(chunk.contains("\"digest\""), "the rest of the reference stays: {chunk}");
    }
}
