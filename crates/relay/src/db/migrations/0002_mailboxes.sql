-- Per-device mailboxes: ciphertext only, deleted when the device acks, or after 30 days.
CREATE TABLE mailbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,
    sender_account  TEXT NOT NULL,
    sender_device   INTEGER NOT NULL,
    olm_type        INTEGER NOT NULL,
    ciphertext      BLOB NOT NULL,
    message_id      TEXT,                  -- the sender's random message id, for retry requests
    received_ms     INTEGER NOT NULL
);
CREATE INDEX mailbox_by_device ON mailbox (account_id, device_id, id);

-- Envelopes that expired unread, counted per device and sender, so the device is told (once)
-- instead of its messages vanishing silently.
CREATE TABLE expired_counts (
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,
    sender_account  TEXT NOT NULL,
    count           INTEGER NOT NULL,
    PRIMARY KEY (account_id, device_id, sender_account)
);
