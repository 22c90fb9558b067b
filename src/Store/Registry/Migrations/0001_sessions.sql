-- The service's registry of lines (data/waengine.db): one row per session, its token as a hash, its webhook.
CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,   -- hex SHA-256 of the token; the token itself is shown once
    webhook_url     TEXT,
    webhook_secret  TEXT,
    webhook_events  TEXT NOT NULL DEFAULT 'messages.received',
    created_at      INTEGER NOT NULL
);
