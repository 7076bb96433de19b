-- Envelope ids given to devices are 128 random bits, never a counter: a relay restored from a
-- backup (or one whose last writes were lost) cannot hand out an id a device already acked.
-- The integer id stays the delivery order inside the relay.
ALTER TABLE mailbox ADD COLUMN eid TEXT;
UPDATE mailbox SET eid = lower(hex(randomblob(16))) WHERE eid IS NULL;
CREATE UNIQUE INDEX mailbox_by_eid ON mailbox (eid);
