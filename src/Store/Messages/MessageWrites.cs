using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>The row writes inbound and outbound messages share, each joining the caller's transaction.</summary>
internal static class MessageWrites
{
    private const string InsertMessage = """
        INSERT INTO messages (msg_id, chat_jid, from_me, sender_key, sender_jid, sender_pn, sender_lid, type, body, content,
            target_msg_id, push_name, timestamp_ms, status, error, media_path, edited_at_ms, revoked, updated_at_ms, origin_jid)
        VALUES (@MsgId, @ChatJid, @FromMe, @SenderKey, @SenderJid, @SenderPn, @SenderLid, @Type, @Body, @Content,
            @TargetMsgId, @PushName, @TimestampMs, @Status, @Error, @MediaPath, @EditedAtMs, @Revoked, @UpdatedAtMs, @OriginJid)
        ON CONFLICT DO NOTHING
        RETURNING seq;
        """;

    private const string UpsertChat = """
        INSERT INTO chats (jid, name, is_group, last_msg_at_ms, unread) VALUES (@jid, @name, @isGroup, @at, @unread)
        ON CONFLICT (jid) DO UPDATE SET
            name = COALESCE(excluded.name, chats.name),
            last_msg_at_ms = MAX(COALESCE(chats.last_msg_at_ms, excluded.last_msg_at_ms), excluded.last_msg_at_ms),
            unread = chats.unread + excluded.unread;
        """;

    internal const string AppendEvent = """
        INSERT INTO line_events (event, chat_jid, msg_id, message_seq, status, detail, created_at_ms)
        VALUES (@event, @chat, @msgId, @seq, @status, @detail, @at);
        """;

    /// <summary>
    /// Inserts <paramref name="message"/> under <paramref name="senderKey"/> ('' for our own) and returns its seq, or
    /// null when a message with the same (chat, id, sender key) — or our own message with the same id — is stored.
    /// </summary>
    public static Task<long?> InsertAsync(
        SqliteConnection connection, SqliteTransaction transaction, MessageRecord message, string senderKey, long nowMs, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            InsertMessage,
            new
            {
                message.MsgId,
                message.ChatJid,
                FromMe = message.FromMe ? 1L : 0L,
                SenderKey = senderKey,
                message.SenderJid,
                message.SenderPn,
                message.SenderLid,
                message.Type,
                message.Body,
                message.Content,
                message.TargetMsgId,
                message.PushName,
                TimestampMs = message.Timestamp.ToUnixTimeMilliseconds(),
                Status = (long)message.Status,
                message.Error,
                message.MediaPath,
                EditedAtMs = message.EditedAt?.ToUnixTimeMilliseconds(),
                Revoked = message.Revoked ? 1L : 0L,
                UpdatedAtMs = nowMs,
                message.OriginJid,
            },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>
    /// Creates or updates a chat: the name when one is given, the last message time when <paramref name="atMs"/> is newer,
    /// the unread count by <paramref name="unread"/>.
    /// </summary>
    public static Task UpsertChatAsync(
        SqliteConnection connection, SqliteTransaction transaction, string chatJid, string? name, long atMs, long unread, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            UpsertChat,
            new { jid = chatJid, name, isGroup = IsGroup(chatJid), at = atMs, unread },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>Appends one <c>line_events</c> row.</summary>
    public static Task JournalAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string @event,
        string chatJid,
        string msgId,
        long messageSeq,
        string status,
        string? detail,
        long atMs,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            AppendEvent,
            new { @event, chat = chatJid, msgId, seq = messageSeq, status, detail, at = atMs },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>
    /// Pairs a LID with a phone-number JID. REPLACE drops whatever row either side was paired with (both columns are
    /// unique), so the mapping stays one to one.
    /// </summary>
    public static Task WriteLidMappingAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string lidJid, string pnJid, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT OR REPLACE INTO lid_mappings (lid_jid, pn_jid) VALUES (@lidJid, @pnJid);",
            new { lidJid, pnJid },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>True for group chats (<c>@g.us</c>).</summary>
    public static bool IsGroup(string chatJid) => chatJid.EndsWith("@g.us", StringComparison.Ordinal);
}
