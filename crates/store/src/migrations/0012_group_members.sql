-- Since when each account is a member of a group (the admin's signed time of the change that
-- added it, as far as this device saw). A retry request is answered only for messages sent
-- while the asker was a member. Groups held before this table are filled at their next change
-- (until then, any current member is answered, as before).
CREATE TABLE group_members (
    group_id        TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    since_ms        INTEGER NOT NULL,
    PRIMARY KEY (group_id, account_id)
);
