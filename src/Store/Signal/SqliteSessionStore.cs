using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Signal;

/// <summary>Session records in <c>signal_session</c>, keyed by <c>"name.device"</c>.</summary>
public sealed class SqliteSessionStore : ISessionStore
{
    private readonly LineDatabase _database;

    /// <summary>Creates the store over a line's database.</summary>
    public SqliteSessionStore(LineDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc />
    public async Task<SessionRecord?> LoadSessionAsync(SignalAddress address, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var statement = connection.Statement("SELECT record FROM signal_session WHERE address = @address;", null).Bind("@address", address.ToString());
            return statement.Bytes(cancellationToken) is { } bytes ? SessionRecord.Parse(bytes) : null;
        }
    }

    /// <inheritdoc />
    public async Task StoreSessionAsync(SignalAddress address, SessionRecord record, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await WriteAsync(connection, null, address, record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task DeleteSessionAsync(SignalAddress address, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM signal_session WHERE address = @address;", new { address = address.ToString() }, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
        }
    }

    internal static Task WriteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, SignalAddress address, SessionRecord record, CancellationToken cancellationToken)
    {
        using var statement = connection.Statement("INSERT OR REPLACE INTO signal_session (address, record) VALUES (@address, @record);", transaction)
            .Bind("@address", address.ToString())
            .Bind("@record", record.Serialize());
        statement.Execute(cancellationToken);
        return Task.CompletedTask;
    }
}
