using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>
/// An open connection to a line's database that outlives its users, with the statements prepared on it. Disposing it
/// hands it back to its <see cref="LineConnectionPool"/> still open, so the commands <see cref="Prepare"/> made keep
/// their compiled SQLite statements for the next user (Microsoft.Data.Sqlite finalizes a command's statements when its
/// connection closes, and Dapper prepares every statement anew: before this, compiling SQL was a large share of the
/// store's CPU). One user at a time: the pool hands it to one caller, who disposes it when the operation ends.
/// </summary>
public sealed class LineConnection : SqliteConnection
{
    private readonly LineConnectionPool _pool;
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);
    private int _leased;
    private bool _closing;

    internal LineConnection(string connectionString, LineConnectionPool pool, long generation)
        : base(connectionString)
    {
        _pool = pool;
        Generation = generation;
    }

    /// <summary>The pool generation it was opened in: a connection of an earlier one is closed when handed back.</summary>
    internal long Generation { get; }

    /// <summary>How many statements it holds prepared.</summary>
    public int PreparedCount => _statements.Count;

    /// <summary>Whether a transaction of this connection is open (the pool closes, rather than keeps, such a connection).</summary>
    internal bool InTransaction => Transaction is not null || (Handle is { } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0);

    /// <summary>
    /// The command for <paramref name="sql"/> on this connection, prepared on its first use and kept: its parameters
    /// cleared, its transaction set to <paramref name="transaction"/> (a cached command must be told the transaction on
    /// every use). Dispose the returned statement as usual: a kept command stays with the connection.
    /// </summary>
    public SqlStatement Prepare(string sql, SqliteTransaction? transaction)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = CreateCommand();
            command.CommandText = sql;
            _statements.Add(sql, command);
        }

        command.Parameters.Clear();
        command.Transaction = transaction;
        return new SqlStatement(command, owned: false);
    }

    /// <summary>Marks it handed out (by the pool).</summary>
    internal void Lease() => Volatile.Write(ref _leased, 1);

    /// <summary>Closes it for good: its prepared statements are finalized and the SQLite handle released.</summary>
    internal void CloseForGood()
    {
        _closing = true;
        _statements.Clear();
        Dispose();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_closing)
        {
            // A second dispose by the same user (after the pool took it back) must not hand it back twice.
            if (Interlocked.Exchange(ref _leased, 0) == 0 || _pool.TryTakeBack(this))
            {
                return;
            }

            _closing = true;
            _statements.Clear();
        }

        base.Dispose(disposing);
    }
}
