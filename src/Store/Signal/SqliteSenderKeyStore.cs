using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Signal;

/// <summary>Sender-key records in <c>signal_sender_key</c>, keyed by <c>"group::name::device"</c>.</summary>
public sealed class SqliteSenderKeyStore : ISenderKeyStore
{
    private readonly LineDatabase _database;

    /// <summary>Creates the store over a line's database.</summary>
    public SqliteSenderKeyStore(LineDatabase database)
    {
        _database = database;
    }

    /// <inheritdoc />
    public async Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var bytes = await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
                "SELECT record FROM signal_sender_key WHERE name = @name;", new { name = name.ToString() }, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            return bytes is null ? null : SenderKeyRecord.Parse(bytes);
        }
    }

    /// <inheritdoc />
    public async Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record, CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await WriteAsync(connection, null, name, record, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static Task WriteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, SenderKeyName name, SenderKeyRecord record, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT OR REPLACE INTO signal_sender_key (name, record) VALUES (@name, @record);",
            new { name = name.ToString(), record = record.Serialize() },
            transaction,
            cancellationToken: cancellationToken));
}
