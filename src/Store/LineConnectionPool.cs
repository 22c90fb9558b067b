using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>
/// The open <see cref="LineConnection"/>s of one database file waiting for their next user (a line's database, and the
/// sandbox's own). A connection handed back
/// healthy (no transaction left open) is kept, up to <see cref="MaxIdle"/>, with its prepared statements; one handed
/// back with a transaction still open, or opened before the last <see cref="Clear"/>, is closed. Thread-safe: each
/// connection has one user at a time.
/// </summary>
public sealed class LineConnectionPool(string connectionString, SynchronousPragma pragma)
{
    /// <summary>How many idle connections are kept (a line's actor, webhook worker, send pipeline and API reads rarely need more at once).</summary>
    public const int MaxIdle = 4;

    private readonly Lock _gate = new();
    private readonly Stack<LineConnection> _idle = new();
    private long _generation;

    /// <summary>How many connections wait idle.</summary>
    public int IdleCount
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>An idle connection, or a new one opened.</summary>
    public async Task<LineConnection> RentAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long generation;
        lock (_gate)
        {
            if (_idle.TryPop(out var idle))
            {
                idle.Lease();
                return idle;
            }

            generation = _generation;
        }

        var connection = new LineConnection(connectionString, this, generation);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await pragma.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            WalFiles.Persist(connection);
        }
        catch
        {
            connection.CloseForGood();
            throw;
        }

        connection.Lease();
        return connection;
    }

    /// <summary>Takes a connection back from its user; false when it must be closed instead.</summary>
    public bool TryTakeBack(LineConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open || connection.InTransaction)
        {
            return false;
        }

        lock (_gate)
        {
            if (connection.Generation != _generation || _idle.Count >= MaxIdle)
            {
                return false;
            }

            _idle.Push(connection);
            return true;
        }
    }

    /// <summary>Closes the idle connections; those in use are closed when handed back.</summary>
    public void Clear()
    {
        List<LineConnection> closing;
        lock (_gate)
        {
            _generation++;
            closing = [.. _idle];
            _idle.Clear();
        }

        foreach (var connection in closing)
        {
            connection.CloseForGood();
        }

        using var any = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(any);
    }
}
