-- A companion that logs itself out signs a statement with its own device key; the relay keeps
-- it and hands it to the phone, which drops the companion from the signed list only on such
-- evidence (or on its user's decision), never on the relay's word.
ALTER TABLE logouts ADD COLUMN statement TEXT;
