-- This device: its role, its vodozemac account (private keys), and what it knows of its account.
CREATE TABLE identity (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    role            TEXT NOT NULL,          -- 'primary' | 'companion'
    name            TEXT NOT NULL,
    relay_url       TEXT NOT NULL,
    account_pickle  TEXT NOT NULL,          -- vodozemac AccountPickle (JSON); this file is encrypted
    account_id      TEXT,                   -- NULL until a companion is linked
    account_key     BLOB,
    device_id       INTEGER,
    key_index       INTEGER,
    linked_at_ms    INTEGER,
    created_ms      INTEGER NOT NULL
);

-- The highest verified signed device list seen per account (rollbacks are refused).
CREATE TABLE device_lists (
    account_id      TEXT PRIMARY KEY,
    account_key     BLOB NOT NULL,
    version         INTEGER NOT NULL,
    signed          TEXT NOT NULL,          -- SignedDeviceList (JSON)
    fetched_ms      INTEGER NOT NULL
);

-- Verified device identities of the devices in those lists.
CREATE TABLE device_identities (
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,
    key_index       INTEGER NOT NULL,
    signed          TEXT NOT NULL,          -- SignedDeviceIdentity (JSON), both signatures verified
    last_active_ms  INTEGER,
    PRIMARY KEY (account_id, device_id)
);

CREATE TABLE settings (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);
