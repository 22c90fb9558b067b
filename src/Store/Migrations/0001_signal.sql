-- Signal protocol state of one line: our identity, prekeys, trusted peer identities, sessions and sender keys.
-- Records are our own protobufs (proto/signal.proto StoredSessionRecord / StoredSenderKeyRecord).
CREATE TABLE signal_local_identity (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    public_key      BLOB    NOT NULL,
    private_key     BLOB    NOT NULL,
    registration_id INTEGER NOT NULL
);

CREATE TABLE signal_remote_identity (
    address      TEXT PRIMARY KEY,
    identity_key BLOB NOT NULL
);

CREATE TABLE signal_prekey (
    id          INTEGER PRIMARY KEY,
    public_key  BLOB NOT NULL,
    private_key BLOB NOT NULL
);

CREATE TABLE signal_signed_prekey (
    id          INTEGER PRIMARY KEY,
    public_key  BLOB NOT NULL,
    private_key BLOB NOT NULL,
    signature   BLOB NOT NULL
);

CREATE TABLE signal_session (
    address TEXT PRIMARY KEY,
    record  BLOB NOT NULL
);

CREATE TABLE signal_sender_key (
    name   TEXT PRIMARY KEY,
    record BLOB NOT NULL
);
