-- What each device announced it can receive (JSON array), at its last authentication. NULL:
-- it never said (clients of this version always do).
ALTER TABLE devices ADD COLUMN capabilities TEXT;
