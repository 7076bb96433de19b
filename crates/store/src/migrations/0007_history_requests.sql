-- "Load older messages": a chunk that answers a request (tandem_proto::history::ChunkRef's
-- request_id) is imported like any other, but is not part of the sync bundle's progress.
ALTER TABLE history_chunks ADD COLUMN request_id TEXT;
