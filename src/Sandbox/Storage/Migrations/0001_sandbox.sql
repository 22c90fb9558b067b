-- Sandbox state: the server's own keys, virtual phones (accounts) and their devices.
CREATE TABLE server_keys (
    name        TEXT PRIMARY KEY,          -- 'root', 'intermediate', 'static'
    public_key  BLOB NOT NULL,
    private_key BLOB NOT NULL
);

CREATE TABLE accounts (
    phone              TEXT PRIMARY KEY,    -- digits only
    lid                TEXT NOT NULL UNIQUE,-- user part of the LID
    push_name          TEXT,
    addressing         TEXT NOT NULL CHECK (addressing IN ('pn', 'lid')),
    identity_public    BLOB NOT NULL,       -- the primary device's identity key = the ADV account key
    identity_private   BLOB NOT NULL,
    registration_id    INTEGER NOT NULL,
    created_at         INTEGER NOT NULL
);

CREATE TABLE devices (
    phone        TEXT NOT NULL REFERENCES accounts(phone) ON DELETE CASCADE,
    device_id    INTEGER NOT NULL,
    key_index    INTEGER NOT NULL,
    noise_public BLOB,                      -- companion's Noise static key, checked at login
    platform     TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (phone, device_id)
);
