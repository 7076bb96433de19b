-- A history chunk's AES key is needed only until the chunk is imported (or refused for good):
-- chunks finished before the key was erased on import lose it now.
UPDATE history_chunks SET chunk = json_remove(chunk, '$.key') WHERE state <> 'pending';
