-- What each virtual phone's primary device received, decrypted (GET /sandbox/accounts/{phone}/messages).
CREATE TABLE phone_messages (
    phone        TEXT NOT NULL,
    msg_id       TEXT NOT NULL,
    from_jid     TEXT NOT NULL,      -- the sending device
    chat_jid     TEXT NOT NULL,      -- the chat (the sender's user JID, or the recipient of our own device's message)
    type         TEXT NOT NULL,
    body         TEXT,
    message_json TEXT NOT NULL,
    timestamp    INTEGER NOT NULL,
    received_seq INTEGER NOT NULL,
    PRIMARY KEY (phone, msg_id)
);
