-- Groups this device knows, with their verified signed membership state (tandem_proto::group).
CREATE TABLE groups (
    group_id        TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    state           TEXT NOT NULL,          -- SignedGroupState (JSON), signature checked
    updated_ms      INTEGER NOT NULL
);

-- This device's sending Megolm session per group, and the devices that hold its key. Replaced
-- (deleted) whenever the group's member devices change.
CREATE TABLE megolm_outbound (
    group_id        TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL,
    pickle          TEXT NOT NULL,
    shared_with     TEXT NOT NULL,          -- JSON array of [account id, device id]
    created_ms      INTEGER NOT NULL
);

-- Other devices' Megolm sessions, as their keys arrived over pairwise Olm sessions.
CREATE TABLE megolm_inbound (
    session_id      TEXT PRIMARY KEY,
    group_id        TEXT NOT NULL,
    sender_account  TEXT NOT NULL,
    sender_device   INTEGER NOT NULL,
    pickle          TEXT NOT NULL,
    received_ms     INTEGER NOT NULL
);
