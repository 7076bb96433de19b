-- Pairwise Olm sessions (vodozemac pickles), several per peer device: the newest sends.
CREATE TABLE olm_sessions (
    session_id      TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,
    pickle          TEXT NOT NULL,
    last_used_ms    INTEGER NOT NULL
);
CREATE INDEX olm_sessions_by_peer ON olm_sessions (account_id, device_id, last_used_ms);

CREATE TABLE contacts (
    account_id      TEXT PRIMARY KEY,
    added_ms        INTEGER NOT NULL
);

-- Messages of 1:1 chats; a chat is named by the other account's id. (chat, message id) is
-- unique, so a message delivered twice is stored once.
CREATE TABLE messages (
    chat_id         TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    sender_account  TEXT NOT NULL,
    sender_device   INTEGER NOT NULL,
    outgoing        INTEGER NOT NULL,
    body            TEXT NOT NULL,
    sent_ms         INTEGER NOT NULL,
    stored_ms       INTEGER NOT NULL,
    state           TEXT NOT NULL,          -- outgoing: 'queued' | 'sent' | 'delivered' | 'read';
                                            -- incoming: 'received' | 'read' | 'waiting' | 'failed';
                                            -- 'event' (e.g. the contact's devices changed)
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX messages_by_time ON messages (chat_id, sent_ms, message_id);

-- Relay envelopes already decrypted and stored: a redelivery (lost ack) is acked, not re-read.
CREATE TABLE processed_envelopes (
    relay_id        INTEGER PRIMARY KEY,
    processed_ms    INTEGER NOT NULL
);

-- Messages this device could not decrypt and asked for again (bounded: see MAX_RETRIES).
CREATE TABLE retries (
    chat_id         TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
