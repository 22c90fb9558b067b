-- Read receipts we send (POST /api/messages/read): where each inbound 1:1 message came from (origin_jid: the contact's
-- LID or phone number as the server addressed it, so the read receipt goes back the same way, SERVER-RULES R13), and
-- when the line marked it read (read_at_ms, null while unread). Messages stored before this migration have neither:
-- their receipts go to the chat, and "all unread" is bounded by the chat's unread count.
ALTER TABLE messages ADD COLUMN origin_jid TEXT;
ALTER TABLE messages ADD COLUMN read_at_ms INTEGER;
