using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Messages;

/// <summary>
/// Moves many of our own messages forward inside the caller's write transaction, by the same rule and with the same
/// rows as <see cref="OutboundStatus.AdvanceAsync"/>, but with one prepared statement per kind of row for the whole
/// batch: SQLite compiles each statement once instead of once per message (compiling was most of a status write's CPU).
/// </summary>
internal sealed class OutboundStatusWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteCommand _current;
    private readonly SqliteCommand _update;
    private readonly SqliteCommand _dequeue;
    private readonly SqliteCommand _journal;
    private SqliteCommand? _attempt;

    public OutboundStatusWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
        _current = Command(OutboundStatus.CurrentStatusSql, "@msgId");
        _update = Command("UPDATE messages SET status = @status, error = COALESCE(@error, error), updated_at_ms = @atMs WHERE seq = @seq;", "@status", "@error", "@atMs", "@seq");
        _dequeue = Command("DELETE FROM send_queue WHERE msg_id = @msgId;", "@msgId");
        _journal = Command(MessageWrites.AppendEvent, "@event", "@chat", "@msgId", "@seq", "@status", "@detail", "@at");
    }

    /// <summary>Counts one more send attempt of a queued message; false when it is not in the send queue.</summary>
    public async Task<bool> CountAttemptAsync(string msgId, CancellationToken cancellationToken)
    {
        _attempt ??= Command("UPDATE send_queue SET attempts = attempts + 1 WHERE msg_id = @msgId;", "@msgId");
        _attempt.Parameters[0].Value = msgId;
        return await _attempt.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
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
        _current.Parameters[0].Value = msgId;
        var reader = await _current.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
        Set(_update, (long)status, (object?)error ?? DBNull.Value, atMs, seq);
        await _update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (status is >= MessageStatus.ServerAck and <= MessageStatus.Failed)
        {
            _dequeue.Parameters[0].Value = msgId;
            await _dequeue.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Our edit or delete takes effect on its target once the server accepted it (rare: no prepared statement).
        var accepted = was < MessageStatus.ServerAck && status is >= MessageStatus.ServerAck and <= MessageStatus.Read;
        if (accepted && type is "edit" or "revoke" && target is { Length: > 0 })
        {
            await _connection.ExecuteAsync(new CommandDefinition(
                type == "edit" ? OutboundStatus.EditTarget : OutboundStatus.RevokeTarget,
                new { body, atMs, chat, target },
                _transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        Set(_journal, "message.status", chat, msgId, seq, status.ToName(), (object?)error ?? DBNull.Value, atMs);
        await _journal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return chat;
    }

    public void Dispose()
    {
        _current.Dispose();
        _update.Dispose();
        _dequeue.Dispose();
        _journal.Dispose();
        _attempt?.Dispose();
    }

    private static void Set(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name, Value = DBNull.Value });
        }

        command.Prepare();
        return command;
    }
}
