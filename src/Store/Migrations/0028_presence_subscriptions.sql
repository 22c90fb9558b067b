-- Presence subscriptions of the line (issue #16): the contacts whose presence and typing the line asked for, kept so a
-- restart subscribes to them again on every connect (the server keeps subscriptions per connection only). Both the
-- LID and the phone-number JID of a contact are kept when known, as the line subscribed under either.
CREATE TABLE presence_subscriptions (
    jid           TEXT    PRIMARY KEY,
    created_at_ms INTEGER NOT NULL
);
