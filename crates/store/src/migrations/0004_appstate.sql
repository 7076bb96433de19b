-- The account's synced settings (tandem_proto::appstate): entries, the version applied, the
-- LTHash of the entries, and the account's app-state key (shared by its own devices only).
CREATE TABLE app_state (
    idx             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);

CREATE TABLE app_state_meta (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    version         INTEGER NOT NULL,
    lthash          BLOB NOT NULL,
    app_state_key   BLOB                    -- 32 bytes; NULL until it arrives from the phone
);
