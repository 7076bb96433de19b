-- Expiry by age without a scan (the janitor deletes the oldest first, in batches).
CREATE INDEX mailbox_by_age ON mailbox (received_ms);

-- What waits for each device, in all and per sending account, kept by triggers in the same
-- transaction as the mail itself, so quotas are checked without counting rows.
CREATE TABLE mailbox_usage (
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,
    envelopes       INTEGER NOT NULL,
    bytes           INTEGER NOT NULL,
    PRIMARY KEY (account_id, device_id)
) WITHOUT ROWID;

CREATE TABLE mailbox_sender_usage (
    account_id      TEXT NOT NULL,
    device_id       INTEGER NOT NULL,
    sender_account  TEXT NOT NULL,
    envelopes       INTEGER NOT NULL,
    bytes           INTEGER NOT NULL,
    PRIMARY KEY (account_id, device_id, sender_account)
) WITHOUT ROWID;

INSERT INTO mailbox_usage (account_id, device_id, envelopes, bytes)
    SELECT account_id, device_id, COUNT(*), SUM(length(ciphertext)) FROM mailbox GROUP BY account_id, device_id;
INSERT INTO mailbox_sender_usage (account_id, device_id, sender_account, envelopes, bytes)
    SELECT account_id, device_id, sender_account, COUNT(*), SUM(length(ciphertext)) FROM mailbox
    GROUP BY account_id, device_id, sender_account;

CREATE TRIGGER mailbox_usage_in AFTER INSERT ON mailbox BEGIN
    INSERT INTO mailbox_usage (account_id, device_id, envelopes, bytes)
        VALUES (NEW.account_id, NEW.device_id, 1, length(NEW.ciphertext))
        ON CONFLICT (account_id, device_id) DO UPDATE
        SET envelopes = envelopes + 1, bytes = bytes + excluded.bytes;
    INSERT INTO mailbox_sender_usage (account_id, device_id, sender_account, envelopes, bytes)
        VALUES (NEW.account_id, NEW.device_id, NEW.sender_account, 1, length(NEW.ciphertext))
        ON CONFLICT (account_id, device_id, sender_account) DO UPDATE
        SET envelopes = envelopes + 1, bytes = bytes + excluded.bytes;
END;

CREATE TRIGGER mailbox_usage_out AFTER DELETE ON mailbox BEGIN
    UPDATE mailbox_usage SET envelopes = envelopes - 1, bytes = bytes - length(OLD.ciphertext)
        WHERE account_id = OLD.account_id AND device_id = OLD.device_id;
    DELETE FROM mailbox_usage
        WHERE account_id = OLD.account_id AND device_id = OLD.device_id AND envelopes <= 0;
    UPDATE mailbox_sender_usage SET envelopes = envelopes - 1, bytes = bytes - length(OLD.ciphertext)
        WHERE account_id = OLD.account_id AND device_id = OLD.device_id AND sender_account = OLD.sender_account;
    DELETE FROM mailbox_sender_usage
        WHERE account_id = OLD.account_id AND device_id = OLD.device_id AND sender_account = OLD.sender_account
        AND envelopes <= 0;
END;

-- The janitor prunes these by time.
CREATE INDEX challenges_by_expiry ON challenges (expires_ms);
CREATE INDEX tokens_by_expiry ON tokens (expires_ms);
CREATE INDEX tokens_by_device ON tokens (account_id, device_id, expires_ms);
CREATE INDEX link_sessions_by_expiry ON link_sessions (expires_ms);
