using Dapper;

namespace WaEngine.Store.Media;

/// <summary>
/// The direct paths our phone gave for media it uploaded again (migration <c>media_retry_paths</c>): the newest per
/// message id, read before a download.
/// </summary>
public sealed class SqliteMediaRetryPaths
{
    private readonly LineDatabase _database;

    /// <summary>Works on <paramref name="database"/>.</summary>
    public SqliteMediaRetryPaths(LineDatabase database) => _database = database ?? throw new ArgumentNullException(nameof(database));

    /// <summary>The direct path stored for <paramref name="msgId"/>, or null.</summary>
    public async Task<string?> FindAsync(string msgId, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT direct_path FROM media_retry_paths WHERE msg_id = @msgId;", new { msgId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Stores <paramref name="directPath"/> as the media of <paramref name="msgId"/>, replacing an earlier one.</summary>
    public async Task SaveAsync(string msgId, string directPath, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT OR REPLACE INTO media_retry_paths (msg_id, direct_path, updated_at_ms) VALUES (@msgId, @directPath, @at);",
                new { msgId, directPath, at = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }
}
