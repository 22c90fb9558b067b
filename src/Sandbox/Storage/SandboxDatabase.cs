using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Store;

namespace WaEngine.Sandbox.Storage;

/// <summary>
/// The sandbox's SQLite file (<c>sandbox.db</c> in its data folder). Numbered migrations (Storage/Migrations) run at
/// open; each call opens a short-lived pooled connection, so nothing is held while idle.
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
        await connection.ExecuteAsync(Durability).ConfigureAwait(false);
        return connection;
    }

    /// <summary>A new open connection, opened synchronously (for small writes on paths that are not async).</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        connection.Execute(Durability);
        return connection;
    }

    /// <summary>
    /// Commits are not flushed to the disk one by one (WAL with <c>synchronous=NORMAL</c>): the sandbox must survive its
    /// own restart, which this keeps (a commit is in the WAL file when it returns), not a power cut. With a flush per
    /// commit, the few commits WhatsApp's server makes for each message (route, contact, queue, ack) took 10-15 ms
    /// apiece on a loaded machine, and the sandbox — part of every measured send — bounded every client's rate.
    /// </summary>
    private const string Durability = "PRAGMA synchronous = NORMAL;";

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await Migrations.ApplyAsync(connection, typeof(SandboxDatabase).Assembly, "WaEngine.Sandbox.Storage.Migrations.", cancellationToken).ConfigureAwait(false);
    }
}
