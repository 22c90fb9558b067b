-- The account's one-to-one LID migration (SERVER-RULES R1, the account side), one row once migrated: when our phone
-- said the account's chats moved to LIDs (the LID_MIGRATION_MAPPING_SYNC protocol message's chatDbMigrationTimestamp,
-- or HistorySync.globalSettings.chatDbLidMigrationTimestamp). Until then the line writes its DMs by phone number.
CREATE TABLE lid_account_migration (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    migrated_at_ms INTEGER NOT NULL
);
