using Dapper;
using Microsoft.Data.Sqlite;

namespace WaEngine.Store.Messages;

/// <summary>The line's presence subscriptions in its database (<c>presence_subscriptions</c>).</summary>
internal static class PresenceSubscriptions
{
    /// <summary>Every subscribed JID, oldest first.</summary>
    public static async Task<IReadOnlyList<string>> AllAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT jid FROM presence_subscriptions ORDER BY created_at_ms, jid;", cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();

    /// <summary>Adds <paramref name="jids"/> (those already kept stay as they were).</summary>
    public static async Task AddAsync(SqliteConnection connection, IReadOnlyCollection<string> jids, long nowMs, CancellationToken cancellationToken)
    {
        var transaction = connection.BeginTransaction(deferred: false);
        await using (transaction.ConfigureAwait(false))
        {
            foreach (var jid in jids)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT OR IGNORE INTO presence_subscriptions (jid, created_at_ms) VALUES (@jid, @nowMs);",
                    new { jid, nowMs },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes <paramref name="jids"/> (those not kept are ignored).</summary>
    public static Task DeleteAsync(SqliteConnection connection, IReadOnlyCollection<string> jids, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM presence_subscriptions WHERE jid IN @jids;", new { jids }, cancellationToken: cancellationToken));
}
