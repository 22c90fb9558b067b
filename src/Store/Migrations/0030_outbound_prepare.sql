-- Outbound messages held back until a preparation step has run (issue #16: a text's link preview is fetched inside the
-- durable send queue, not while the API answers). Written in the same transaction as the message's send-queue row, so
-- a message is never sent before its step (nor lost by a restart during it); deleted when the step is done and the
-- message's content replaced with what it made.
CREATE TABLE outbound_prepare (
    msg_id TEXT PRIMARY KEY,
    kind   TEXT NOT NULL
);
