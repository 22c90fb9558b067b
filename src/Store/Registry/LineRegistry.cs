using WaEngine.Engine.Session;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.Sqlite;

namespace WaEngine.Store.Registry;

/// <summary>
/// The service's registry of lines in <c>waengine.db</c>: names, token hashes and webhook settings (whether a line
/// should run is kept by the line itself). Tokens are 256-bit random strings shown once; only their SHA-256 is kept, so a lookup by token
/// compares hashes and never the secret itself. Every request of the line API names its line by token, so the lines found
/// by token hash are kept in memory; any change to the registry (a rotated token, a webhook set, a line deleted) empties
/// that cache before it returns, and a lookup that raced a change is not kept, so a rotated token stops working at once.
/// </summary>
public sealed class LineRegistry
{
    private const string TokenPrefix = "wae_";

    /// <summary>Lines kept by token hash at most; beyond it the cache starts again (each line costs one lookup).</summary>
    private const int CacheLimit = 50_000;

    private readonly LineConnectionPool _pool;
    private readonly ConcurrentDictionary<string, LineRecord> _byTokenHash = new(StringComparer.Ordinal);
    private readonly Lock _cacheGate = new();
    private long _changes;
    private readonly TimeProvider _time;

    private LineRegistry(string connectionString, TimeProvider time)
    {
        _pool = new LineConnectionPool(connectionString, new SynchronousPragma(SqliteSynchronous.Full));
        _time = time;
        Idempotency = new IdempotencyStore(connectionString);
    }

    /// <summary>The first answers to <c>Idempotency-Key</c> requests, kept in the same database.</summary>
    public IdempotencyStore Idempotency { get; }

    /// <summary>Opens (creating) the registry in <paramref name="dataFolder"/> and applies its migrations.</summary>
    public static async Task<LineRegistry> OpenAsync(string dataFolder, TimeProvider time, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataFolder);
        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataFolder, "waengine.db"), Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        var registry = new LineRegistry(builder.ToString(), time);
        await using var connection = await registry.ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await Migrations.ApplyAsync(connection, typeof(LineRegistry).Assembly, "WaEngine.Store.Registry.Migrations.", cancellationToken).ConfigureAwait(false);
        return registry;
    }

    /// <summary>Creates a line and returns it with its token (the only time the token is seen).</summary>
    public async Task<(LineRecord Session, string Token)> CreateAsync(string name, string? webhookUrl, string? webhookSecret, string webhookEvents, CancellationToken cancellationToken)
    {
        var token = NewToken();
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var id = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO sessions (name, token_hash, webhook_url, webhook_secret, webhook_events, created_at)
            VALUES (@name, @hash, @webhookUrl, @webhookSecret, @webhookEvents, @now) RETURNING id
            """,
            new { name, hash = Hash(token), webhookUrl, webhookSecret, webhookEvents, now = _time.GetUtcNow().ToUnixTimeSeconds() }).ConfigureAwait(false);
        return ((await FindAsync(new LineId(id), cancellationToken).ConfigureAwait(false))!, token);
    }

    /// <summary>Every line, oldest first.</summary>
    public async Task<IReadOnlyList<LineRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        return (await connection.QueryAsync<Row>("SELECT * FROM sessions ORDER BY id").ConfigureAwait(false)).Select(r => r.ToRecord()).ToList();
    }

    /// <summary>The line with this id, or null.</summary>
    public async Task<LineRecord?> FindAsync(LineId id, CancellationToken cancellationToken)
    {
        // Every webhook worker reads its line here on each pass: a statement the pooled connection keeps prepared.
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var find = connection.Statement(
            "SELECT id, name, webhook_url, webhook_secret, webhook_events, created_at FROM sessions WHERE id = @id", null).Bind("@id", id.Value);
        var found = find.Rows(
            r => new LineRecord(
                new LineId(r.GetInt64(0)), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
                DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(5))),
            cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The line a token names, or null for a missing, malformed, unknown or rotated token.</summary>
    public async Task<LineRecord?> FindByTokenAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200 || !token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var hash = Hash(token);
        if (_byTokenHash.TryGetValue(hash, out var known))
        {
            return known;
        }

        var changes = Interlocked.Read(ref _changes);
        LineRecord? line;
        await using (var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false))
        {
            line = (await connection.QuerySingleOrDefaultAsync<Row>("SELECT * FROM sessions WHERE token_hash = @hash", new { hash }).ConfigureAwait(false))?.ToRecord();
        }

        if (line is not null)
        {
            lock (_cacheGate)
            {
                // Kept only when no change to the registry finished since the read began (it may have been stale).
                if (Interlocked.Read(ref _changes) == changes)
                {
                    if (_byTokenHash.Count >= CacheLimit)
                    {
                        _byTokenHash.Clear();
                    }

                    _byTokenHash[hash] = line;
                }
            }
        }

        return line;
    }

    /// <summary>Issues a new token for a line; the old one stops working at once. Null if the line does not exist.</summary>
    public async Task<string?> RotateTokenAsync(LineId id, CancellationToken cancellationToken)
    {
        var token = NewToken();
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync("UPDATE sessions SET token_hash = @hash WHERE id = @id", new { id = id.Value, hash = Hash(token) }).ConfigureAwait(false);
        Forget();
        return changed == 1 ? token : null;
    }

    /// <summary>Sets a line's webhook; false if the line does not exist.</summary>
    public async Task<bool> SetWebhookAsync(LineId id, string? url, string? secret, string events, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(
            "UPDATE sessions SET webhook_url = @url, webhook_secret = @secret, webhook_events = @events WHERE id = @id",
            new { id = id.Value, url, secret, events }).ConfigureAwait(false);
        Forget();
        return changed == 1;
    }

    /// <summary>Removes a line from the registry; false if it did not exist.</summary>
    public async Task<bool> DeleteAsync(LineId id, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var deleted = await connection.ExecuteAsync("DELETE FROM sessions WHERE id = @id", new { id = id.Value }).ConfigureAwait(false);
        Forget();
        return deleted == 1;
    }

    /// <summary>Empties the token cache after a change to the registry (and keeps lookups that raced it out).</summary>
    private void Forget()
    {
        lock (_cacheGate)
        {
            Interlocked.Increment(ref _changes);
            _byTokenHash.Clear();
        }
    }

    private static string NewToken() => TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    // The registry's connections stay open in its pool with their prepared statements; commits wait for the disk (SQLite's default).
    private Task<LineConnection> ConnectAsync(CancellationToken cancellationToken) => _pool.RentAsync(cancellationToken);

#pragma warning disable IDE1006 // Dapper maps the snake_case columns by name.
    private sealed record Row(long id, string name, string token_hash, string? webhook_url, string? webhook_secret, string webhook_events, long created_at)
    {
        public LineRecord ToRecord() => new(new LineId(id), name, webhook_url, webhook_secret, webhook_events, DateTimeOffset.FromUnixTimeSeconds(created_at));
    }
#pragma warning restore IDE1006
}
