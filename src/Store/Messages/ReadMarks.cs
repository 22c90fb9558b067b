using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>
/// The SQL of read receipts we send (migration 0013): which inbound messages of a chat a receipt is for and where it
/// goes, and marking them read with the chat's unread count following. Kinds that never count as unread (reactions,
/// edits, deletes, protocol messages) are never read targets.
/// </summary>
internal static class ReadMarks
{
    private const string Kinds = "('reaction', 'edit', 'revoke', 'protocol')";
    private const string Readable = $"m.from_me = 0 AND m.type NOT IN {Kinds}";

    /// <summary>The unread inbound messages of a chat, newest first, as many as its unread count.</summary>
    internal const string UnreadSql = $"""
        SELECT m.msg_id AS MsgId, COALESCE(m.origin_jid, m.chat_jid) AS "To", m.sender_jid AS Sender, m.chat_jid AS ChatJid
        FROM messages m
        WHERE m.chat_jid = @chatJid AND {Readable} AND m.read_at_ms IS NULL
        ORDER BY m.timestamp_ms DESC, m.seq DESC
        LIMIT (SELECT COALESCE(MAX(unread), 0) FROM chats WHERE jid = @chatJid);
        """;

    /// <summary>The given inbound messages of a chat.</summary>
    internal const string GivenSql = $"""
        SELECT m.msg_id AS MsgId, COALESCE(m.origin_jid, m.chat_jid) AS "To", m.sender_jid AS Sender, m.chat_jid AS ChatJid
        FROM messages m
        WHERE m.chat_jid = @chatJid AND {Readable} AND m.msg_id IN @msgIds
        ORDER BY m.timestamp_ms, m.seq;
        """;

    private const string MarkSql = $"""
        UPDATE messages SET read_at_ms = @at
        WHERE chat_jid = @chatJid AND msg_id IN @msgIds AND read_at_ms IS NULL AND from_me = 0 AND type NOT IN {Kinds};
        """;

    /// <summary>The read targets of <paramref name="chatJid"/>: <paramref name="msgIds"/> (null: the unread ones).</summary>
    public static async Task<IReadOnlyList<ReadTarget>> FindAsync(SqliteConnection connection, string chatJid, IReadOnlyList<string>? msgIds, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<TargetRow>(new CommandDefinition(
            msgIds is null ? UnreadSql : GivenSql, new { chatJid, msgIds }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var targets = new List<ReadTarget>();
        foreach (var row in rows)
        {
            // In a group two senders may reuse an id: one receipt each (participant tells them apart).
            if (seen.Add(row.MsgId + "\n" + row.Sender))
            {
                targets.Add(new ReadTarget(row.MsgId, row.To, MessageWrites.IsGroup(row.ChatJid) ? row.Sender : null));
            }
        }

        return targets;
    }

    /// <summary>Marks the messages read and lowers the chat's unread count by those newly marked (to 0 for all unread).</summary>
    public static async Task<int> MarkAsync(SqliteConnection connection, SqliteTransaction transaction, string chatJid, IReadOnlyList<string> msgIds, bool allUnread, long atMs, CancellationToken cancellationToken)
    {
        var marked = await connection.ExecuteAsync(new CommandDefinition(
            MarkSql,
            new { chatJid, msgIds, at = atMs }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            allUnread ? "UPDATE chats SET unread = 0 WHERE jid = @chatJid;" : "UPDATE chats SET unread = MAX(0, unread - @marked) WHERE jid = @chatJid;",
            new { chatJid, marked }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return marked;
    }

    private sealed class TargetRow
    {
        public string MsgId { get; set; } = "";

        public string To { get; set; } = "";

        public string? Sender { get; set; }

        public string ChatJid { get; set; } = "";
    }
}
