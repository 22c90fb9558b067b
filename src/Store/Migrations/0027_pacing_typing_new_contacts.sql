-- Send pacing, the rest of issue #16: typing (composing) before a text, proportional to its length with a cap, and a
-- cap on first messages to new contacts (chats with no earlier message) per hour. The cap counts our first messages
-- by when each was due (scheduled_at_ms), hence the index.
ALTER TABLE send_pacing ADD COLUMN typing_ms_per_char INTEGER NOT NULL DEFAULT 0;
ALTER TABLE send_pacing ADD COLUMN typing_max_ms INTEGER NOT NULL DEFAULT 10000;
ALTER TABLE send_pacing ADD COLUMN new_contacts_per_hour INTEGER NOT NULL DEFAULT 0;

CREATE INDEX messages_by_schedule ON messages (scheduled_at_ms) WHERE scheduled_at_ms IS NOT NULL;
