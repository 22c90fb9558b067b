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
        SqliteConnection connection, SqliteTransaction transaction, MessageRecord message, string senderKey, long nowMs, CancellationToken cancellationToken)
    {
        using var statement = connection.Statement(InsertMessage, transaction)
            .Bind("@MsgId", message.MsgId)
            .Bind("@ChatJid", message.ChatJid)
            .Bind("@FromMe", message.FromMe ? 1L : 0L)
            .Bind("@SenderKey", senderKey)
            .Bind("@SenderJid", message.SenderJid)
            .Bind("@SenderPn", message.SenderPn)
            .Bind("@SenderLid", message.SenderLid)
            .Bind("@Type", message.Type)
            .Bind("@Body", message.Body)
            .Bind("@Content", message.Content)
            .Bind("@TargetMsgId", message.TargetMsgId)
            .Bind("@PushName", message.PushName)
            .Bind("@TimestampMs", message.Timestamp.ToUnixTimeMilliseconds())
            .Bind("@Status", (long)message.Status)
            .Bind("@Error", message.Error)
            .Bind("@MediaPath", message.MediaPath)
            .Bind("@EditedAtMs", message.EditedAt?.ToUnixTimeMilliseconds())
            .Bind("@Revoked", message.Revoked ? 1L : 0L)
            .Bind("@UpdatedAtMs", nowMs)
            .Bind("@OriginJid", message.OriginJid);
        return Task.FromResult(statement.Int64(cancellationToken));
    }

    /// <summary>
    /// Creates or updates a chat: the name when one is given, the last message time when <paramref name="atMs"/> is newer,
    /// the unread count by <paramref name="unread"/>.
    /// </summary>
    public static Task UpsertChatAsync(
        SqliteConnection connection, SqliteTransaction transaction, string chatJid, string? name, long atMs, long unread, CancellationToken cancellationToken)
    {
        using var statement = connection.Statement(UpsertChat, transaction)
            .Bind("@jid", chatJid)
            .Bind("@name", name)
            .Bind("@isGroup", IsGroup(chatJid) ? 1L : 0L)
            .Bind("@at", atMs)
            .Bind("@unread", unread);
        statement.Execute(cancellationToken);
        return Task.CompletedTask;
    }

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
        CancellationToken cancellationToken)
    {
        using var statement = connection.Statement(AppendEvent, transaction)
            .Bind("@event", @event)
            .Bind("@chat", chatJid)
            .Bind("@msgId", msgId)
            .Bind("@seq", messageSeq)
            .Bind("@status", status)
            .Bind("@detail", detail)
            .Bind("@at", atMs);
        statement.Execute(cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Pairs a LID with a phone-number JID. REPLACE drops whatever row either side was paired with (both columns are
    /// unique), so the mapping stays one to one.
    /// </summary>
    public static Task WriteLidMappingAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string lidJid, string pnJid, CancellationToken cancellationToken)
    {
        using var statement = connection.Statement("INSERT OR REPLACE INTO lid_mappings (lid_jid, pn_jid) VALUES (@lidJid, @pnJid);", transaction)
            .Bind("@lidJid", lidJid)
            .Bind("@pnJid", pnJid);
        statement.Execute(cancellationToken);
        return Task.CompletedTask;
    }

    /// <summary>True for group chats (<c>@g.us</c>).</summary>
    public static bool IsGroup(string chatJid) => chatJid.EndsWith("@g.us", StringComparison.Ordinal);
}
