-- Encrypted blobs (history chunks): the bytes are files in the data folder (blobs/ID); a row
-- says which device may read it. Deleted when that device acks it, or after 7 days.
CREATE TABLE blobs (
    blob_id         TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,          -- the one device that may read it
    size            INTEGER NOT NULL,
    created_ms      INTEGER NOT NULL
);
CREATE INDEX blobs_by_age ON blobs (created_ms);
