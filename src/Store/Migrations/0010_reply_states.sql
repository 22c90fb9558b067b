-- Reply routing state per contact (CONTRACT §3c): a handler name and a context, until expires_at_ms. Expired rows are
-- ignored when read and removed by a sweep. contact_jid is a bare JID: digits@s.whatsapp.net or id@lid.
CREATE TABLE reply_states (
    contact_jid   TEXT    PRIMARY KEY,
    handler       TEXT    NOT NULL,
    context       TEXT,
    expires_at_ms INTEGER NOT NULL
);

CREATE INDEX reply_states_by_expiry ON reply_states (expires_at_ms);

-- The state a received message's webhook carries is the one set when the message was journalled (not when the webhook
-- worker gets to it): copied here in the journal row's transaction, read and deleted by WebhookOutbox.TransferAsync.
CREATE TABLE webhook_reply_states (
    journal_seq   INTEGER PRIMARY KEY,   -- the line_events row
    handler       TEXT    NOT NULL,
    context       TEXT,
    expires_at_ms INTEGER NOT NULL
);

CREATE TRIGGER webhook_reply_state_received AFTER INSERT ON line_events
WHEN NEW.event = 'messages.received' AND NEW.message_seq IS NOT NULL
BEGIN
    INSERT INTO webhook_reply_states (journal_seq, handler, context, expires_at_ms)
    SELECT NEW.seq, r.handler, r.context, r.expires_at_ms
    FROM messages m JOIN reply_states r ON r.contact_jid IN (m.sender_pn, m.sender_lid, m.sender_jid)
    WHERE m.seq = NEW.message_seq AND m.from_me = 0 AND r.expires_at_ms > NEW.created_at_ms
    ORDER BY r.expires_at_ms DESC
    LIMIT 1;
END;
