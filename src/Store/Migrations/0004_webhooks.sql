-- The webhook outbox of one line. webhook_cursor says how far the line's journal (line_events) has been turned into
-- deliveries; webhook_deliveries holds one row per event to deliver, with the exact body every attempt sends. Moving
-- journal rows into deliveries and advancing the cursor happen in one transaction (WebhookOutbox.TransferAsync).

-- Journal rows written before webhooks existed are not delivered: the cursor starts at the journal's end.
CREATE TABLE webhook_cursor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    journal_seq INTEGER NOT NULL
);
INSERT INTO webhook_cursor (id, journal_seq) SELECT 1, IFNULL(MAX(seq), 0) FROM line_events;

CREATE TABLE webhook_deliveries (
    journal_seq        INTEGER PRIMARY KEY,     -- the line_events row it was made from
    delivery_id        TEXT    NOT NULL UNIQUE,  -- 'wd_<line>_<journal_seq>': X-WaEngine-Delivery, the same on every attempt
    event              TEXT    NOT NULL,
    chat_key           TEXT    NOT NULL,         -- ordering key: the chat JID, '' for line-wide events (session.status)
    msg_id             TEXT,
    body               BLOB    NOT NULL,         -- the JSON sent, byte for byte, on every attempt
    status             TEXT    NOT NULL,         -- pending, delivered, failed
    attempts           INTEGER NOT NULL DEFAULT 0,
    created_at_ms      INTEGER NOT NULL,
    expires_at_ms      INTEGER NOT NULL,         -- a failed attempt after this gives up (status failed)
    next_attempt_at_ms INTEGER NOT NULL,
    last_attempt_at_ms INTEGER,
    delivered_at_ms    INTEGER,
    last_status_code   INTEGER,
    last_error         TEXT
);
-- The head of each chat's queue: MIN(journal_seq) per chat_key among pending rows.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (chat_key, journal_seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (status, journal_seq);
