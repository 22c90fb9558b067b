using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>
/// The SQLite database file of one line. Opening it applies the numbered migrations (each in a transaction) and
/// turns on WAL; every operation then takes a pooled connection for its own duration. A busy line reuses its pooled
/// connections (opening the file, reading the schema and the WAL checkpoint that closing the last connection runs cost
/// more than most statements); once the line has not touched its database for <see cref="IdleRelease"/>, the pool is
/// emptied, so an idle line holds no connection and no file descriptor. The stores that append to the
/// line's event journal (<c>line_events</c>) raise <see cref="Journalled"/> after their commit, so a reader of the
/// journal (the webhook worker) sleeps until there is something to read instead of polling.
/// </summary>
public sealed class LineDatabase : IDisposable
{
    /// <summary>
    /// How long the pooled connections outlive the database's last use. Short, because every pooled connection holds
    /// three descriptors (database, WAL, shared memory) and thousands of lines share the process's limit: only lines
    /// busy within the last moments hold any.
    /// </summary>
    public static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(2);

    private readonly string _connectionString;
    private readonly PoolRelease _release;
    private readonly SqliteSynchronous _synchronous;
    private readonly SynchronousPragma _pragma;
    private readonly LineConnectionPool _pool;

    private LineDatabase(string path, SqliteSynchronous synchronous)
    {
        Path = path;
        _synchronous = synchronous;
        _pragma = new SynchronousPragma(synchronous);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        _pool = new LineConnectionPool(_connectionString, _pragma);
        _release = new PoolRelease(IdleRelease, ClearPool);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>
    /// Raised on the committing thread after a transaction that appended at least one journal row has committed (never
    /// for a rollback). Handlers must be quick and must not throw: the writer is often the line's actor loop.
    /// </summary>
    public event Action? Journalled;

    /// <summary>How its commits wait for the disk.</summary>
    public SqliteSynchronous Synchronous => _synchronous;

    /// <summary>Opens (creating if needed) the database at <paramref name="path"/> and brings its schema up to date.</summary>
    public static Task<LineDatabase> OpenAsync(string path, CancellationToken cancellationToken) =>
        OpenAsync(path, SqliteSynchronous.Full, cancellationToken);

    /// <summary>
    /// Opens (creating if needed) the database at <paramref name="path"/>, whose commits wait for the disk as
    /// <paramref name="synchronous"/> says, and brings its schema up to date.
    /// </summary>
    public static async Task<LineDatabase> OpenAsync(string path, SqliteSynchronous synchronous, CancellationToken cancellationToken)
    {
        var database = new LineDatabase(path, synchronous);
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

    /// <summary>
    /// An open connection; dispose it when the operation ends. It comes from the line's own pool with the statements
    /// prepared on it by earlier users (<see cref="LineConnection.Prepare"/>), and goes back there when disposed.
    /// </summary>
    public Task<LineConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        _release.Touch();
        return _pool.RentAsync(cancellationToken);
    }

    /// <summary>How many open connections wait for their next user (0 once the line has been idle for <see cref="IdleRelease"/>).</summary>
    public int IdleConnections => _pool.IdleCount;

    /// <summary>Tells <see cref="Journalled"/>'s handlers that a commit journalled an event.</summary>
    internal void OnJournalled() => Journalled?.Invoke();

    /// <summary>Releases the pooled connections to the file.</summary>
    public void Dispose()
    {
        _release.Dispose();
        ClearPool();
    }

    private void ClearPool() => _pool.Clear();
}
