-- Images (tandem_proto::media): a message's attachment (JSON: id, type, size, thumbnail), and
-- the full files this device holds, inside the encrypted database like everything else.
ALTER TABLE messages ADD COLUMN attachment TEXT;

CREATE TABLE media (
    media_id        TEXT PRIMARY KEY,       -- hex SHA-256 of the bytes
    mime            TEXT NOT NULL,
    bytes           BLOB NOT NULL,
    stored_ms       INTEGER NOT NULL
);
