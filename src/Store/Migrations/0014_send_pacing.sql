-- Send pacing (opt-in per line): a minimum gap and random jitter between sends to different chats. One row, absent
-- while pacing is off. A queued message's scheduled_at_ms is when the queue will write it (null: as soon as it can);
-- kept after the send, so GET /api/messages/{id} shows when it was due.
CREATE TABLE send_pacing (
    id                    INTEGER PRIMARY KEY CHECK (id = 1),
    min_gap_ms            INTEGER NOT NULL,
    jitter_ms             INTEGER NOT NULL
);

ALTER TABLE messages ADD COLUMN scheduled_at_ms INTEGER;
