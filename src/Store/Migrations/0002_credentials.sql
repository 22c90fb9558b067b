-- The line's device credentials (one row) and whether it should run when the process starts.
CREATE TABLE device_credentials (
    id                      INTEGER PRIMARY KEY CHECK (id = 1),
    noise_public            BLOB    NOT NULL,
    noise_private           BLOB    NOT NULL,
    identity_public         BLOB    NOT NULL,
    identity_private        BLOB    NOT NULL,
    registration_id         INTEGER NOT NULL,
    signed_prekey_id        INTEGER NOT NULL,
    signed_prekey_public    BLOB    NOT NULL,
    signed_prekey_private   BLOB    NOT NULL,
    signed_prekey_signature BLOB    NOT NULL,
    adv_secret              BLOB    NOT NULL,
    next_prekey_id          INTEGER NOT NULL,
    me_jid                  TEXT,
    me_lid                  TEXT,
    platform                TEXT,
    account_identity        BLOB
);

CREATE TABLE line_run_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    desired_running INTEGER NOT NULL
);
