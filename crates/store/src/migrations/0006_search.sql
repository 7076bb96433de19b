-- Full-text search over message bodies (FTS5, external content: the text stays in `messages`).
-- No per-row trigger: live messages are indexed as they are stored, imported history once per
-- chunk (see store/src/search.rs). No prefix index: it costs more at import than it saves at
-- query time (BENCHMARKS.md). Newest-first results walk the send-time index.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    body,
    content = 'messages',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE INDEX messages_by_sent ON messages (sent_ms);
INSERT INTO messages_fts (rowid, body)
    SELECT rowid, body FROM messages WHERE state NOT IN ('event', 'waiting', 'failed');
