CREATE TABLE accounts (
    account_id      TEXT PRIMARY KEY,
    account_key     BLOB NOT NULL,
    created_ms      INTEGER NOT NULL,
    list_version    INTEGER NOT NULL,
    device_list     TEXT NOT NULL          -- SignedDeviceList as JSON, verified on the way in
);

CREATE TABLE devices (
    account_id      TEXT NOT NULL REFERENCES accounts(account_id),
    device_id       INTEGER NOT NULL,
    key_index       INTEGER NOT NULL,
    ed25519         BLOB NOT NULL,
    identity        TEXT NOT NULL,         -- SignedDeviceIdentity as JSON, both signatures verified
    registered_ms   INTEGER NOT NULL,
    last_active_ms  INTEGER,
    PRIMARY KEY (account_id, device_id)
);

CREATE TABLE prekeys (
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,
    key_id          TEXT NOT NULL,
    fallback        INTEGER NOT NULL,
    body            TEXT NOT NULL,         -- SignedPreKey as JSON
    uploaded_ms     INTEGER NOT NULL,
    PRIMARY KEY (account_id, device_id, fallback, key_id),   -- vodozemac numbers fallback keys separately
    FOREIGN KEY (account_id, device_id) REFERENCES devices(account_id, device_id) ON DELETE CASCADE
);

CREATE TABLE challenges (
    nonce           BLOB PRIMARY KEY,
    expires_ms      INTEGER NOT NULL
);

CREATE TABLE tokens (
    token_hash      BLOB PRIMARY KEY,      -- SHA-256 of the bearer token; the token itself is not stored
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,
    expires_ms      INTEGER NOT NULL
);

CREATE TABLE link_sessions (
    link_ref        TEXT PRIMARY KEY,
    token_hash      BLOB NOT NULL,
    status          TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    expires_ms      INTEGER NOT NULL,
    claimed_by      TEXT,
    reply           TEXT,                  -- SealedLinkReply as JSON (opaque to the relay)
    device_id       INTEGER,
    created_ms      INTEGER NOT NULL
);
