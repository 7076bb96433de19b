-- Each account's synced settings, sealed by its devices (the relay cannot read them): numbered
-- patches from 1, and the newest snapshot a device uploaded.
CREATE TABLE appstate_patches (
    account_id      TEXT NOT NULL,
    version         INTEGER NOT NULL,
    sealed          BLOB NOT NULL,
    device_id       INTEGER NOT NULL,
    at_ms           INTEGER NOT NULL,
    PRIMARY KEY (account_id, version)
);

CREATE TABLE appstate_snapshots (
    account_id      TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    sealed          BLOB NOT NULL,
    at_ms           INTEGER NOT NULL
);
