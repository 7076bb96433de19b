-- History sync (tandem_proto::history): each chunk the phone announced, with its state, and per
-- chat whether the imported history is complete or more remains on the phone.
CREATE TABLE history_chunks (
    bundle_id       TEXT NOT NULL,
    idx             INTEGER NOT NULL,
    chunk           TEXT NOT NULL,          -- ChunkRef (JSON; holds the chunk's key: this file is encrypted)
    state           TEXT NOT NULL,          -- 'pending' | 'imported' | 'failed'
    error           TEXT,
    messages        INTEGER NOT NULL,
    bundle_messages INTEGER NOT NULL,
    bundle_chunks   INTEGER NOT NULL,
    received_ms     INTEGER NOT NULL,
    PRIMARY KEY (bundle_id, idx)
);

CREATE TABLE history_chats (
    chat_id         TEXT PRIMARY KEY,
    title           TEXT,
    complete        INTEGER NOT NULL
);
