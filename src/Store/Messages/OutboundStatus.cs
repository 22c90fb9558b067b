using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>
/// Moves our own message forward (<see cref="MessageStatusNames.CanAdvance"/>) inside the caller's write transaction:
/// read, check and write under one lock, so racing updates serialize and each real change is journaled once.
/// </summary>
internal static class OutboundStatus
{
    /// <summary>Our own message's current status (ids of our own messages are unique, index messages_own_by_id).</summary>
    internal const string CurrentStatusSql =
        "SELECT seq AS Seq, chat_jid AS ChatJid, status AS Status, type AS Type, target_msg_id AS TargetMsgId, body AS Body FROM messages WHERE msg_id = @msgId AND from_me = 1;";

    // Our edit or delete takes effect on our own target once the server accepted it.
    internal const string EditTarget =
        "UPDATE messages SET body = @body, edited_at_ms = @atMs, updated_at_ms = @atMs WHERE chat_jid = @chat AND msg_id = @target AND from_me = 1;";

    internal const string RevokeTarget =
        "UPDATE messages SET body = NULL, content = X'', revoked = 1, updated_at_ms = @atMs WHERE chat_jid = @chat AND msg_id = @target AND from_me = 1;";

    /// <summary>
    /// Applies <paramref name="status"/> (and <paramref name="error"/> when given) when allowed; a message the server
    /// acknowledged, or that failed, leaves the send queue; once the server accepted our edit or delete, its target (our
    /// own message in the same chat) shows the new text or is marked deleted. Journals <c>message.status</c> at <paramref name="at"/>. False when nothing changed.
    /// </summary>
    public static async Task<bool> AdvanceAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string msgId,
        MessageStatus status,
        string? error,
        DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        var current = await connection.QuerySingleOrDefaultAsync<CurrentRow>(new CommandDefinition(
            CurrentStatusSql, new { msgId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (current is null || !MessageStatusNames.CanAdvance((MessageStatus)current.Status, status))
        {
            return false;
        }

        var atMs = at.ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE messages SET status = @status, error = COALESCE(@error, error), updated_at_ms = @atMs WHERE seq = @seq;",
            new { status = (long)status, error, atMs, seq = current.Seq },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        // A message written to a socket that died before the server's ack must go out again: it leaves the queue only
        // once the server (or a receipt) confirms it, or when it fails.
        if (status is >= MessageStatus.ServerAck and <= MessageStatus.Failed)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM send_queue WHERE msg_id = @msgId;", new { msgId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var accepted = (MessageStatus)current.Status < MessageStatus.ServerAck && status is >= MessageStatus.ServerAck and <= MessageStatus.Read;
        if (accepted && current.Type is "edit" or "revoke" && current.TargetMsgId is { Length: > 0 } target)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                current.Type == "edit" ? EditTarget : RevokeTarget,
                new { body = current.Body, atMs, chat = current.ChatJid, target },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await MessageWrites.JournalAsync(connection, transaction, "message.status", current.ChatJid, msgId, current.Seq, status.ToName(), error, atMs, cancellationToken)
            .ConfigureAwait(false);
        return true;
    }

    private sealed class CurrentRow
    {
        public long Seq { get; set; }

        public string ChatJid { get; set; } = "";

        public long Status { get; set; }

        public string Type { get; set; } = "";

        public string? TargetMsgId { get; set; }

        public string? Body { get; set; }
    }
}
