-- The chat list at start-up, fast with a million messages: unread counts from a small partial
-- index instead of a scan of every message.
CREATE INDEX messages_unread ON messages (chat_id) WHERE outgoing = 0 AND state = 'received';
