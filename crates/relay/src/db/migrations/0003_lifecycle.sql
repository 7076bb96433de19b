-- Companions that were logged out (by the phone, by themselves, or for inactivity). Their
-- tokens, prekeys and mailboxes are gone; the row tells the device why when it comes back, and
-- tells the primary to publish a device list without it.
CREATE TABLE logouts (
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,
    reason          TEXT NOT NULL,          -- tandem_proto::wire::LogoutReason
    at_ms           INTEGER NOT NULL,
    PRIMARY KEY (account_id, device_id)
);
