-- The first answer to each Idempotency-Key, replayed for a repeat with the same request until it expires.
CREATE TABLE idempotency (
    scope         TEXT NOT NULL,      -- whose key: 'admin' or 'line:<id>'
    key           TEXT NOT NULL,      -- the client's Idempotency-Key
    request_hash  TEXT NOT NULL,      -- hex SHA-256 of method, path and body: a different request under the same key is refused
    status        INTEGER NOT NULL,
    content_type  TEXT,
    body          BLOB NOT NULL,
    created_at    INTEGER NOT NULL,   -- unix seconds
    expires_at    INTEGER NOT NULL,   -- unix seconds
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_expires_at ON idempotency (expires_at);
