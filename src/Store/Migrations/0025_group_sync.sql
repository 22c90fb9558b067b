-- Which of our devices read the account's whole group list from the server (w:g2 <participating>): the first login
-- after pairing does it once per device, and again whenever the server marks the groups dirty (issue #15).
CREATE TABLE group_sync (
    device_jid    TEXT    PRIMARY KEY,         -- our device as paired (user:device@s.whatsapp.net)
    synced_at_ms  INTEGER NOT NULL
);
