using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Store;

namespace WaEngine.Sandbox.Storage;

/// <summary>
/// The sandbox's SQLite file (<c>sandbox.db</c> in its data folder). Numbered migrations (Storage/Migrations) run at
/// open; each call takes an open connection from its pool (<see cref="LineConnectionPool"/>, at most a few kept idle),
/// with the statements prepared on it by earlier calls, and hands it back when disposed. Commits are not fsynced
/// (<see cref="SqliteSynchronous.Normal"/> under WAL): the sandbox keeps everything through a crash or kill of its
/// process, and WhatsApp's own servers are not bound by one disk's fsyncs, as a sandbox routing each message through
/// several fsyncs on a virtual disk was (it fell seconds behind bench/inbound's schedule).
/// </summary>
public sealed class SandboxDatabase
{
    private readonly string _connectionString;
    private readonly SynchronousPragma _pragma = new(SqliteSynchronous.Normal);
    private readonly LineConnectionPool _pool;

    private SandboxDatabase(string connectionString)
    {
        _connectionString = connectionString;
        _pool = new LineConnectionPool(connectionString, _pragma);
    }

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

    /// <summary>An open connection of the pool; dispose it when the unit of work ends (it goes back to the pool).</summary>
    public Task<LineConnection> ConnectAsync(CancellationToken cancellationToken) => _pool.RentAsync(cancellationToken);

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
