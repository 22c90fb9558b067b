-- Media the media hosts had dropped and our phone uploaded again (the media retry, issue #14): the new direct path per
-- message, used before the message's own url and direct path when its media is downloaded. One row per message id.
CREATE TABLE media_retry_paths (
    msg_id        TEXT    PRIMARY KEY,
    direct_path   TEXT    NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
