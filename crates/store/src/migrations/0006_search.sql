-- Full-text search over message bodies (FTS5, external content: the text stays in `messages`).
-- No per-row trigger: live messages are indexed as they are stored, imported history once per
-- chunk (see store/src/search.rs). A prefix index makes 3-letter prefix queries fast.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    body,
    content = 'messages',
    content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '3'
);
INSERT INTO messages_fts (rowid, body)
    SELECT rowid, body FROM messages WHERE state NOT IN ('event', 'waiting', 'failed');
