-- Groups the sandbox's server side keeps (the w:g2 iq family, w:gp2 notifications, skmsg fan-out).
CREATE TABLE groups (
    id                TEXT PRIMARY KEY,   -- the user part of the group JID (<id>@g.us)
    subject           TEXT NOT NULL,
    subject_owner     TEXT NOT NULL,      -- phone of who set it
    subject_t         INTEGER NOT NULL,
    description       TEXT,
    description_id    TEXT,
    description_owner TEXT,
    description_t     INTEGER,
    creator           TEXT NOT NULL,      -- phone
    created_at        INTEGER NOT NULL,
    announce          INTEGER NOT NULL DEFAULT 0,
    locked            INTEGER NOT NULL DEFAULT 0,
    addressing        TEXT NOT NULL,      -- 'lid' or 'pn': how the server names participants in this group
    invite_code       TEXT NOT NULL UNIQUE
);

CREATE TABLE group_members (
    group_id  TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    phone     TEXT NOT NULL,
    role      TEXT NOT NULL,              -- 'member', 'admin' or 'superadmin'
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, phone)
);

CREATE INDEX group_members_by_phone ON group_members (phone);

-- Who may add an account to a group (WhatsApp's "groupadd" privacy): 'all' (the default, no row) or 'none' (an admin's
-- add gets 403 with an add_request invite instead).
CREATE TABLE group_add_privacy (
    phone TEXT PRIMARY KEY,
    mode  TEXT NOT NULL
);

-- Invite codes an admin revoked: joining with one answers 410 gone (whatsmeow ErrInviteLinkRevoked), unknown codes 406.
CREATE TABLE group_revoked_invites (
    code     TEXT PRIMARY KEY,
    group_id TEXT NOT NULL
);

-- A group message in a phone's inbox: from_jid and chat_jid are the group, participant the sending device.
ALTER TABLE phone_messages ADD COLUMN participant TEXT;
