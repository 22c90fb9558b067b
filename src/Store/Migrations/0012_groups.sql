-- The groups a line is in (issue #15). Metadata comes from the server once (a w:g2 query, or the answer to our own
-- create/join) and is kept current by w:gp2 notifications: sends read it from here, never from the server (R5).
CREATE TABLE groups (
    jid            TEXT    PRIMARY KEY,         -- id@g.us
    subject        TEXT,
    description    TEXT,
    description_id TEXT,
    owner          TEXT,
    created_at_ms  INTEGER,
    announce       INTEGER NOT NULL DEFAULT 0,
    locked         INTEGER NOT NULL DEFAULT 0,
    lid_addressing INTEGER NOT NULL DEFAULT 0,  -- 1: addressing_mode="lid"
    rotate_key     INTEGER NOT NULL DEFAULT 0,  -- 1: a participant left; our next message uses a new sender key
    updated_at_ms  INTEGER NOT NULL
);

CREATE TABLE group_participants (
    group_jid    TEXT NOT NULL REFERENCES groups (jid) ON DELETE CASCADE,
    jid          TEXT NOT NULL,                 -- as the server names it in the group's addressing mode
    phone_number TEXT,
    lid          TEXT,
    admin        TEXT,                          -- null, 'admin' or 'superadmin'
    PRIMARY KEY (group_jid, jid)
);

-- Participant devices that received our current sender key (the SKDM) per group.
CREATE TABLE group_key_holders (
    group_jid  TEXT NOT NULL,
    device_jid TEXT NOT NULL,
    PRIMARY KEY (group_jid, device_jid)
);
