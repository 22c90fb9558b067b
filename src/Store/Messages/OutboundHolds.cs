using Dapper;
using Microsoft.Data.Sqlite;

namespace WaEngine.Store.Messages;

/// <summary>
/// The <c>outbound_prepare</c> table: queued messages held until a preparation step has run (a text's link preview),
/// written with the message's send-queue row and released with its prepared content.
/// </summary>
internal static class OutboundHolds
{
    /// <summary>Holds <paramref name="msgId"/> for step <paramref name="kind"/>, inside the caller's transaction.</summary>
    public static Task HoldAsync(SqliteConnection connection, SqliteTransaction transaction, string msgId, string kind, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO outbound_prepare (msg_id, kind) VALUES (@msgId, @kind) ON CONFLICT (msg_id) DO UPDATE SET kind = excluded.kind;",
            new { msgId, kind },
            transaction,
            cancellationToken: cancellationToken));

    /// <summary>Every held message id with its step.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ListAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string MsgId, string Kind)>(new CommandDefinition(
            "SELECT msg_id, kind FROM outbound_prepare;", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.ToDictionary(row => row.MsgId, row => row.Kind, StringComparer.Ordinal);
    }

    /// <summary>Replaces the held message's content (when given) and ends its hold, in one transaction.</summary>
    public static async Task ReleaseAsync(SqliteConnection connection, string msgId, byte[]? content, CancellationToken cancellationToken)
    {
        var transaction = connection.BeginTransaction(deferred: false);
        await using (transaction.ConfigureAwait(false))
        {
            if (content is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE messages SET content = @content WHERE from_me = 1 AND msg_id = @msgId AND msg_id IN (SELECT msg_id FROM outbound_prepare);",
                    new { msgId, content },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM outbound_prepare WHERE msg_id = @msgId;", new { msgId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
