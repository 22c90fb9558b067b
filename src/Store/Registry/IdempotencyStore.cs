using Dapper;
using Microsoft.Data.Sqlite;

namespace WaEngine.Store.Registry;

/// <summary>
/// Keeps the first answer to each <c>Idempotency-Key</c> in the registry database (<c>waengine.db</c>, table
/// <c>idempotency</c>), per scope (the admin, or one line), until it expires. Survives restarts.
/// </summary>
public sealed class IdempotencyStore
{
    private readonly string _connectionString;

    internal IdempotencyStore(string connectionString) => _connectionString = connectionString;

    /// <summary>The unexpired answer kept for <paramref name="key"/> in <paramref name="scope"/>, or null.</summary>
    public async Task<IdempotencyRecord?> FindAsync(string scope, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT request_hash, status, content_type, body, created_at, expires_at FROM idempotency
            WHERE scope = @scope AND key = @key AND expires_at > @now
            """,
            new { scope, key, now = now.ToUnixTimeSeconds() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToRecord();
    }

    /// <summary>Keeps <paramref name="record"/> for <paramref name="key"/> (replacing an expired one) and removes expired records.</summary>
    public async Task SaveAsync(string scope, string key, IdempotencyRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency WHERE expires_at <= @now",
            new { now = record.CreatedAt.ToUnixTimeSeconds() },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT OR REPLACE INTO idempotency (scope, key, request_hash, status, content_type, body, created_at, expires_at)
            VALUES (@scope, @key, @hash, @status, @contentType, @body, @created, @expires)
            """,
            new
            {
                scope,
                key,
                hash = record.RequestHash,
                status = record.Status,
                contentType = record.ContentType,
                body = record.Body,
                created = record.CreatedAt.ToUnixTimeSeconds(),
                expires = record.ExpiresAt.ToUnixTimeSeconds(),
            },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

#pragma warning disable IDE1006 // Dapper maps the snake_case columns by name.
    private sealed record Row(string request_hash, long status, string? content_type, byte[] body, long created_at, long expires_at)
    {
        public IdempotencyRecord ToRecord() => new(
            request_hash, (int)status, content_type, body, DateTimeOffset.FromUnixTimeSeconds(created_at), DateTimeOffset.FromUnixTimeSeconds(expires_at));
    }
#pragma warning restore IDE1006
}
