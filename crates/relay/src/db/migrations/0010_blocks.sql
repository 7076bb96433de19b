-- Accounts an account blocked: the relay stores none of their envelopes for it, so a blocked
-- sender costs the blocking account's devices nothing (the sender is not told).
CREATE TABLE blocks (
    account_id      TEXT NOT NULL,
    blocked_account TEXT NOT NULL,
    at_ms           INTEGER NOT NULL,
    PRIMARY KEY (account_id, blocked_account)
);
