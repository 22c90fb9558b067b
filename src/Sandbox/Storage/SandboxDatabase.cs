using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace WaEngine.Sandbox.Storage;

/// <summary>
/// The sandbox's SQLite file (<c>sandbox.db</c> in its data folder). Numbered migrations run in one
/// transaction at open; each call opens a short-lived pooled connection, so nothing is held while idle.
/// </summary>
public sealed class SandboxDatabase
{
    private readonly string _connectionString;

    private SandboxDatabase(string connectionString) => _connectionString = connectionString;

    /// <summary>Opens (creating if needed) the database in <paramref name="folder"/> and applies pending migrations.</summary>
    public static async Task<SandboxDatabase> OpenAsync(string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(folder, "sandbox.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
        };
        var database = new SandboxDatabase(builder.ToString());
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return database;
    }

    /// <summary>A new open connection; dispose it when the unit of work ends.</summary>
    public async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);",
            transaction: transaction).ConfigureAwait(false);
        var applied = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations;", transaction: transaction).ConfigureAwait(false)).ToHashSet();

        var assembly = typeof(SandboxDatabase).Assembly;
        foreach (var (version, resource) in Migrations(assembly))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Migration resource {resource} is missing.");
            using var reader = new StreamReader(stream);
            var sql = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(sql, transaction: transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, unixepoch());",
                new { version },
                transaction).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IEnumerable<(long Version, string Resource)> Migrations(Assembly assembly)
    {
        const string marker = ".Storage.Migrations.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(marker, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = name[(name.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
            var digits = file[..file.IndexOf('_', StringComparison.Ordinal)];
            yield return (long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture), name);
        }
    }
}
