using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Store;

namespace WaEngine.Sandbox.Storage;

/// <summary>
/// The sandbox's SQLite file (<c>sandbox.db</c> in its data folder). Numbered migrations (Storage/Migrations) run at
/// open; each call opens a short-lived pooled connection, so nothing is held while idle. Commits are not fsynced
/// (<see cref="SqliteSynchronous.Normal"/> under WAL): the sandbox keeps everything through a crash or kill of its
/// process, and WhatsApp's own servers are not bound by one disk's fsyncs, as a sandbox routing each message through
/// several fsyncs on a virtual disk was (it fell seconds behind bench/inbound's schedule).
/// </summary>
public sealed class SandboxDatabase
{
    private readonly string _connectionString;
    private readonly SynchronousPragma _pragma = new(SqliteSynchronous.Normal);

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
        await _pragma.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>A new open connection, opened synchronously (for small writes on paths that are not async).</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        _pragma.Apply(connection);
        return connection;
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await Migrations.ApplyAsync(connection, typeof(SandboxDatabase).Assembly, "WaEngine.Sandbox.Storage.Migrations.", cancellationToken).ConfigureAwait(false);
    }
}
