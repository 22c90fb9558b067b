-- Every stanza routed to a companion device waits here until that device acknowledges it (a receipt or an ack),
-- so a device that is offline, or drops before acking, gets it (again) when it next connects, in order.
CREATE TABLE queued_stanzas (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    phone      TEXT NOT NULL,
    device_id  INTEGER NOT NULL,
    class      TEXT NOT NULL,      -- message | receipt | notification
    stanza_id  TEXT NOT NULL,
    stanza     BLOB NOT NULL,      -- the encoded node
    created_at INTEGER NOT NULL
);
CREATE INDEX queued_by_device ON queued_stanzas (phone, device_id, seq);

-- Which device sent a message id, so receipts for it find their way back.
CREATE TABLE message_routes (
    id            TEXT NOT NULL,
    sender_phone  TEXT NOT NULL,
    sender_device INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (id, sender_phone)
);
