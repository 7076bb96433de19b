-- Deduplication on what the sender chose, never on the relay's envelope ids: the SHA-256 of
-- sender account, sender device, envelope type and ciphertext. A redelivery (lost ack) has the
-- same digest; a new message never does, whatever id a relay gives it.
DROP TABLE processed_envelopes;
CREATE TABLE processed_digests (
    digest          BLOB PRIMARY KEY,
    processed_ms    INTEGER NOT NULL
);
CREATE INDEX processed_digests_by_time ON processed_digests (processed_ms);

-- Per sender and day: how many placeholders and retry requests a sender has cost this device
-- (a stranger cannot flood a chat with "waiting" rows or make the device answer without end).
CREATE TABLE sender_costs (
    sender_account  TEXT NOT NULL,
    day             INTEGER NOT NULL,       -- days since the epoch (UTC)
    count           INTEGER NOT NULL,
    PRIMARY KEY (sender_account, day)
);
