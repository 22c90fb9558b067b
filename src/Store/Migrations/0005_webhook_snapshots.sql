-- What a received message said when its journal row was written. The message store later rewrites a message's row
-- (an edit replaces its body; a delete for everyone clears its body and content), so a webhook made from the live row
-- after such a change would lose what was received. This trigger copies the mutable columns in the same transaction
-- as the journal row; WebhookOutbox.TransferAsync renders from the copy and deletes it with the transfer.
CREATE TABLE webhook_snapshots (
    journal_seq INTEGER PRIMARY KEY,   -- the line_events row
    content     BLOB    NOT NULL,
    body        TEXT
);

CREATE TRIGGER webhook_snapshot_received AFTER INSERT ON line_events
WHEN NEW.event = 'messages.received' AND NEW.message_seq IS NOT NULL
BEGIN
    INSERT INTO webhook_snapshots (journal_seq, content, body)
    SELECT NEW.seq, m.content, m.body FROM messages m WHERE m.seq = NEW.message_seq;
END;
