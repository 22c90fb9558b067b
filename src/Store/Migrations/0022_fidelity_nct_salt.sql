-- The account's NCT salt (SERVER-RULES R2), one row: our phone gives it in its history sync (HistorySync.nctSalt); a
-- first message to a contact we hold no privacy token for carries <cstoken> = HMAC-SHA256(salt, the contact's LID JID).
CREATE TABLE nct_salt (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    salt BLOB    NOT NULL
);
