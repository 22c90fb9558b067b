-- Privacy tokens (SERVER-RULES R2) outlive a sandbox restart, as they outlive anything on WhatsApp's side.
CREATE TABLE privacy_issued (
    issuer    TEXT    NOT NULL,
    contact   TEXT    NOT NULL,
    token     BLOB    NOT NULL,
    issued_at INTEGER NOT NULL,
    PRIMARY KEY (issuer, contact)
);

CREATE TABLE privacy_contacts (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    PRIMARY KEY (a, b)
);

CREATE TABLE privacy_salts (
    phone TEXT PRIMARY KEY,
    salt  BLOB NOT NULL
);
