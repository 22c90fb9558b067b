using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>
/// Moves many of our own messages forward inside the caller's write transaction, by the same rule and with the same
/// rows as <see cref="OutboundStatus.AdvanceAsync"/>, with the statements the connection keeps prepared
/// (<see cref="LineConnection.Prepare"/>): SQLite compiles each once per connection instead of once per message
/// (compiling was most of a status write's CPU), and each use binds all its parameters, so another write of the same
/// transaction may run the same statement in between.
/// </summary>
internal sealed class OutboundStatusWriter(SqliteConnection connection, SqliteTransaction transaction)
{
    private const string Update = "UPDATE messages SET status = @status, error = COALESCE(@error, error), updated_at_ms = @atMs WHERE seq = @seq;";
    private const string Dequeue = "DELETE FROM send_queue WHERE msg_id = @msgId;";
    private const string CountAttempt = "UPDATE send_queue SET attempts = attempts + 1 WHERE msg_id = @msgId;";

    /// <summary>Counts one more send attempt of a queued message; false when it is not in the send queue.</summary>
    public Task<bool> CountAttemptAsync(string msgId, CancellationToken cancellationToken)
    {
        using var attempt = connection.Statement(CountAttempt, transaction).Bind("@msgId", msgId);
        return Task.FromResult(attempt.Execute(cancellationToken) > 0);
    }

    /// <summary>
    /// Applies <paramref name="status"/> to our message <paramref name="msgId"/> when allowed (see
    /// <see cref="OutboundStatus.AdvanceAsync"/>); returns the message's chat when it changed, null when nothing changed.
    /// </summary>
    public async Task<string?> AdvanceAsync(string msgId, MessageStatus status, string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        long seq;
        string chat;
        MessageStatus was;
        string type;
        string? target;
        string? body;
        using (var current = connection.Statement(OutboundStatus.CurrentStatusSql, transaction).Bind("@msgId", msgId))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var reader = current.Command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            // CurrentStatusSql's columns: seq, chat_jid, status, type, target_msg_id, body.
            seq = reader.GetInt64(0);
            chat = reader.GetString(1);
            was = (MessageStatus)reader.GetInt64(2);
            type = reader.IsDBNull(3) ? "" : reader.GetString(3);
            target = reader.IsDBNull(4) ? null : reader.GetString(4);
            body = reader.IsDBNull(5) ? null : reader.GetString(5);
        }

        if (!MessageStatusNames.CanAdvance(was, status))
        {
            return null;
        }

        var atMs = at.ToUnixTimeMilliseconds();
        using (var update = connection.Statement(Update, transaction).Bind("@status", (long)status).Bind("@error", error).Bind("@atMs", atMs).Bind("@seq", seq))
        {
            update.Execute(cancellationToken);
        }

        if (status is >= MessageStatus.ServerAck and <= MessageStatus.Failed)
        {
            using var dequeue = connection.Statement(Dequeue, transaction).Bind("@msgId", msgId);
            dequeue.Execute(cancellationToken);
        }

        // Our edit or delete takes effect on its target once the server accepted it (rare: not kept prepared).
        var accepted = was < MessageStatus.ServerAck && status is >= MessageStatus.ServerAck and <= MessageStatus.Read;
        if (accepted && type is "edit" or "revoke" && target is { Length: > 0 })
        {
            await connection.ExecuteAsync(new CommandDefinition(
                type == "edit" ? OutboundStatus.EditTarget : OutboundStatus.RevokeTarget,
                new { body, atMs, chat, target },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await MessageWrites.JournalAsync(connection, transaction, "message.status", chat, msgId, seq, status.ToName(), error, atMs, cancellationToken).ConfigureAwait(false);
        return chat;
    }
}
