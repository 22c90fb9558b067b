using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>
/// The SQLite database file of one line. Opening it applies the numbered migrations (each in a transaction) and
/// turns on WAL; every operation then takes a pooled connection for its own duration.
/// </summary>
public sealed class LineDatabase : IDisposable
{
    private readonly string _connectionString;

    private LineDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,

            // An idle line holds no SQLite connection: each operation opens the file and closes it again.
            Pooling = false,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and brings its schema up to date.</summary>
    public static async Task<LineDatabase> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var database = new LineDatabase(path);
        var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                await wal.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await Migrations.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        return database;
    }

    /// <summary>An open connection; dispose it when the operation ends.</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases the pooled connections to the file.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
