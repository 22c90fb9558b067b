using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace WaEngine.Store;

/// <summary>
/// Puts SQLite connections of one database file in a <see cref="SqliteSynchronous"/> mode. The pragma belongs to the
/// connection and a pooled connection keeps it, so each SQLite handle is set once, not on every open.
/// </summary>
public sealed class SynchronousPragma(SqliteSynchronous synchronous)
{
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> _set = new();

    /// <summary>The mode the connections are put in.</summary>
    public SqliteSynchronous Synchronous => synchronous;

    /// <summary>Sets the mode on an open connection whose handle does not have it yet (nothing for <see cref="SqliteSynchronous.Full"/>, SQLite's default).</summary>
    public async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (synchronous == SqliteSynchronous.Full || connection.Handle is not { } handle || _set.TryGetValue(handle, out _))
        {
            return;
        }

        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        _set.AddOrUpdate(handle, this);
    }

    /// <summary>The same, for an open connection on a path that is not async.</summary>
    public void Apply(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (synchronous == SqliteSynchronous.Full || connection.Handle is not { } handle || _set.TryGetValue(handle, out _))
        {
            return;
        }

        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            pragma.ExecuteNonQuery();
        }

        _set.AddOrUpdate(handle, this);
    }
}
