using Dapper;

namespace WaEngine.Store.Messages;

/// <summary>The account's one-to-one LID migration time (migration <c>0029_lid_account_migration</c>).</summary>
public sealed partial class SqliteMessageStore
{
    /// <inheritdoc />
    public async Task<DateTimeOffset?> GetLidMigratedAtAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var ms = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
                "SELECT migrated_at_ms FROM lid_account_migration WHERE id = 1;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return ms is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;
        }
    }

    /// <inheritdoc />
    public async Task SaveLidMigratedAtAsync(DateTimeOffset migratedAt, CancellationToken cancellationToken)
    {
        var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // The first time is kept: a later sync (or a second history chunk) does not move it.
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR IGNORE INTO lid_account_migration (id, migrated_at_ms) VALUES (1, @ms);",
                new { ms = migratedAt.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }
}
