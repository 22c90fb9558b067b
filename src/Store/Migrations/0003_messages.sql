-- Messages, chats, contacts, LID mappings, the device-list cache, the durable send queue and the event journal of
-- one line. Written by SqliteMessageStore; the webhook outbox reads line_events.

-- Every message of the line, inbound and outbound. (chat_jid, msg_id, sender_key) is unique: sender_key is '' for our
-- own messages and the sender's bare JID otherwise, so a redelivered message is recognised and not stored twice. The
-- unique index leads with (chat_jid, msg_id) so it also serves lookups of one message in a chat. Our own message ids
-- are unique across chats (messages_own_by_id): status updates and the send queue address them by id alone.
CREATE TABLE messages (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    msg_id         TEXT    NOT NULL,
    chat_jid       TEXT    NOT NULL,
    from_me        INTEGER NOT NULL,
    sender_key     TEXT    NOT NULL,
    sender_jid     TEXT,
    sender_pn      TEXT,
    sender_lid     TEXT,
    type           TEXT    NOT NULL,
    body           TEXT,
    content        BLOB    NOT NULL,
    target_msg_id  TEXT,
    push_name      TEXT,
    timestamp_ms   INTEGER NOT NULL,
    status         INTEGER NOT NULL,
    error          TEXT,
    media_path     TEXT,
    edited_at_ms   INTEGER,
    revoked        INTEGER NOT NULL DEFAULT 0,
    updated_at_ms  INTEGER NOT NULL,
    UNIQUE (chat_jid, msg_id, sender_key)
);
CREATE INDEX messages_by_id ON messages (msg_id, from_me);
CREATE UNIQUE INDEX messages_own_by_id ON messages (msg_id) WHERE from_me = 1;
CREATE INDEX messages_by_chat_time ON messages (chat_jid, timestamp_ms DESC, seq DESC);
CREATE INDEX messages_by_time ON messages (timestamp_ms DESC, seq DESC);

CREATE TABLE chats (
    jid            TEXT    PRIMARY KEY,
    name           TEXT,
    is_group       INTEGER NOT NULL,
    last_msg_at_ms INTEGER,
    unread         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chats_by_activity ON chats (last_msg_at_ms DESC, jid);

CREATE TABLE contacts (
    jid        TEXT PRIMARY KEY,
    push_name  TEXT,
    updated_at_ms INTEGER NOT NULL
);

-- One LID per phone number and one phone number per LID: a new pairing replaces whatever either side was paired with.
CREATE TABLE lid_mappings (
    lid_jid TEXT PRIMARY KEY,
    pn_jid  TEXT NOT NULL
);
CREATE UNIQUE INDEX lid_mappings_by_pn ON lid_mappings (pn_jid);

-- device_ids: the device ids, comma-separated ('0,3,12').
CREATE TABLE device_lists (
    user_jid      TEXT    PRIMARY KEY,
    device_ids    TEXT    NOT NULL,
    fetched_at_ms INTEGER NOT NULL
);

-- Outbound messages not yet sent (or failed). A row leaves when its message is sent or fails.
CREATE TABLE send_queue (
    msg_id        TEXT    PRIMARY KEY,
    to_jid        TEXT    NOT NULL,
    queued_seq    INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0
);

-- The line's event journal: one row per stored inbound message ('messages.received') and per outbound status change
-- ('message.status'), written in the same transaction as the change; other writers may append 'session.status'.
CREATE TABLE line_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    event         TEXT    NOT NULL,
    chat_jid      TEXT,
    msg_id        TEXT,
    message_seq   INTEGER,
    status        TEXT,
    detail        TEXT,
    created_at_ms INTEGER NOT NULL
);
