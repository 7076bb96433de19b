use super::*;

fn alice() -> AccountId {
    AccountId::from_account_key(&[5; 32])
}

fn body(n: usize) -> HistoryChunkBody {
    HistoryChunkBody {
        chats: vec![HistoryChat { chat_id: "abcdefghijklmnop".into(), title: None, complete: true }],
        messages: (0..n)
            .map(|i| HistoryMessage {
                chat_id: "abcdefghijklmnop".into(),
                message_id: format!("m{i}"),
                sender_account: "abcdefghijklmnop".into(),
                sender_device: 0,
                outgoing: false,
                body: format!("message {i}"),
                sent_ms: i as u64,
                state: "read".into(),
                attachment: None,
            })
            .collect(),
        media: Vec::new(),
        groups: Vec::new(),
    }
}

fn chunk_ref(blob: &[u8], digest: [u8; 32], index: u32, chunks: u32) -> ChunkRef {
    ChunkRef {
        bundle_id: "b1".into(),
        index,
        last: index + 1 == chunks,
        blob_id: "blob1".into(),
        key: vec![7; 32],
        digest: digest.to_vec(),
        size: blob.len() as u64,
        messages: 3,
        bundle_messages: 3,
        bundle_chunks: chunks,
        request_id: None,
    }
}

#[test]
fn a_chunk_opens_for_its_device_and_position_only() {
    let target = (&alice(), 1);
    let (blob, digest) = seal_chunk(&body(3), &[7; 32], [1; 12], target, "b1", 0, false).unwrap();
    let r = chunk_ref(&blob, digest, 0, 2);
    assert_eq!(open_chunk(&blob, &r, target).unwrap(), body(3));
    // Meant for another device (the laptop), or presented as another index or as the last.
    assert!(open_chunk(&blob, &r, (&alice(), 2)).is_err());
    let moved = ChunkRef { index: 1, last: true, ..r.clone() };
    assert!(open_chunk(&blob, &moved, target).is_err());
    let wrong_key = ChunkRef { key: vec![8; 32], ..r.clone() };
    assert!(matches!(open_chunk(&blob, &wrong_key, target), Err(ProtoError::HistoryRefused(_))));
}

#[test]
fn tampered_or_truncated_chunks_are_refused_before_decryption() {
    let target = (&alice(), 1);
    let (blob, digest) = seal_chunk(&body(3), &[7; 32], [1; 12], target, "b1", 0, true).unwrap();
    let r = chunk_ref(&blob, digest, 0, 1);
    let mut flipped = blob.clone();
    flipped[20] ^= 1;
    assert!(open_chunk(&flipped, &r, target).is_err());
    assert!(open_chunk(&blob[..blob.len() - 1], &r, target).is_err());
}

#[test]
fn a_decompression_bomb_is_refused() {
    let target = (&alice(), 1);
    let mut big = body(1);
    big.messages[0].body = "0".repeat(MAX_CHUNK_PLAIN_BYTES + 10);
    let (blob, digest) = seal_chunk(&big, &[7; 32], [1; 12], target, "b1", 0, true).unwrap();
    assert!(blob.len() < 100_000, "it compresses to almost nothing");
    let r = chunk_ref(&blob, digest, 0, 1);
    let err = open_chunk(&blob, &r, target).unwrap_err();
    assert!(err.to_string().contains("decompression bomb"), "{err}");
}

#[test]
fn chunk_references_are_bounded() {
    let r = chunk_ref(b"x", [0; 32], 0, 1);
    assert!(r.check().is_ok());
    assert!(ChunkRef { index: 1, ..r.clone() }.check().is_err());
    assert!(ChunkRef { last: false, ..r.clone() }.check().is_err());
    assert!(ChunkRef { blob_id: "../x".into(), ..r.clone() }.check().is_err());
    assert!(ChunkRef { size: MAX_CHUNK_SEALED_BYTES + 1, ..r }.check().is_err());
}

#[test]
fn an_image_file_that_is_not_the_one_its_id_names_is_refused_whole() {
    let target = (&alice(), 1);
    let honest = crate::media::MediaFile {
        media_id: crate::media::media_id(b"\x89PNG real"),
        mime: "image/png".into(),
        bytes: b"\x89PNG real".to_vec(),
    };
    let swapped = crate::media::MediaFile { bytes: b"\x89PNG swapped".to_vec(), ..honest.clone() };
    for (file, ok) in [(honest, true), (swapped, false)] {
        let body = HistoryChunkBody { media: vec![file], ..body(1) };
        let (blob, digest) = seal_chunk(&body, &[7; 32], [1; 12], target, "b1", 0, true).unwrap();
        let r = chunk_ref(&blob, digest, 0, 1);
        assert_eq!(open_chunk(&blob, &r, target).is_ok(), ok);
    }
}
