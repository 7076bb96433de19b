-- Sealed photo files sent in messages: the bytes are files in the data folder (media/REF). Any
-- signed-in device holding the unguessable reference may read one (the key is only in the
-- end-to-end encrypted message); each expires 30 days after its upload.
CREATE TABLE media (
    media_ref       TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,             -- the uploader (bounded per account)
    size            INTEGER NOT NULL,
    created_ms      INTEGER NOT NULL
);
CREATE INDEX media_by_age ON media (created_ms);
CREATE INDEX media_by_account ON media (account_id);
