-- Privacy tokens (SERVER-RULES R2), one row per contact, keyed by its bare LID JID (its phone-number JID while the LID
-- is unknown): the trusted-contact token the contact gave us (attached as <tctoken> to our messages to it) with its
-- issue time, and when we last issued our own token to it (kept so we issue at most once per seven-day bucket: a
-- client that forgets it issues on every message and is rate-limited).
CREATE TABLE privacy_tokens (
    contact_jid TEXT    PRIMARY KEY,
    token       BLOB,
    token_t     INTEGER,               -- Unix seconds
    issued_at   INTEGER                -- Unix seconds
);
