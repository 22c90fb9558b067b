-- Signal key material each device uploaded (prekey upload iq), handed out in prekey bundles.
CREATE TABLE device_keys (
    phone            TEXT NOT NULL,
    device_id        INTEGER NOT NULL,
    registration_id  INTEGER NOT NULL,
    identity         BLOB NOT NULL,      -- 32-byte identity public key
    skey_id          INTEGER NOT NULL,
    skey_public      BLOB NOT NULL,
    skey_signature   BLOB NOT NULL,
    PRIMARY KEY (phone, device_id)
);

-- One-time prekeys; a bundle fetch consumes one.
CREATE TABLE prekeys (
    phone      TEXT NOT NULL,
    device_id  INTEGER NOT NULL,
    key_id     INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    PRIMARY KEY (phone, device_id, key_id)
);
