-- Link previews of outbound texts sent with link_preview (issue #16): the URL looked at and whether a preview went with
-- the text, or why not (the text itself is always sent). One row per message; GET /api/messages/{id} shows it.
CREATE TABLE link_previews (
    msg_id        TEXT    PRIMARY KEY,
    url           TEXT,
    attached      INTEGER NOT NULL,
    title         TEXT,
    reason        TEXT,
    created_at_ms INTEGER NOT NULL
);
