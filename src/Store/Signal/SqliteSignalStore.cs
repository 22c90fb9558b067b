using Microsoft.Data.Sqlite;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Signal;

/// <summary>All Signal state of one line in its SQLite database, with transactions that commit a cipher call's changes.</summary>
public sealed class SqliteSignalStore : ISignalStore
{
    private readonly LineDatabase _database;

    /// <summary>Creates the store over a line's (opened, migrated) database.</summary>
    public SqliteSignalStore(LineDatabase database)
    {
        _database = database;
        Identities = new SqliteSignalIdentityStore(database);
        PreKeys = new SqlitePreKeyStore(database);
        SignedPreKeys = new SqliteSignedPreKeyStore(database);
        Sessions = new SqliteSessionStore(database);
        SenderKeys = new SqliteSenderKeyStore(database);
    }

    /// <inheritdoc />
    public ISignalIdentityStore Identities { get; }

    /// <inheritdoc />
    public IPreKeyStore PreKeys { get; }

    /// <inheritdoc />
    public ISignedPreKeyStore SignedPreKeys { get; }

    /// <inheritdoc />
    public ISessionStore Sessions { get; }

    /// <inheritdoc />
    public ISenderKeyStore SenderKeys { get; }

    /// <inheritdoc />
    public async Task<ISignalStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken) =>
        await BeginSqliteTransactionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Starts a transaction whose connection other stores of the line can write through (the message handoff).</summary>
    public async Task<SqliteSignalTransaction> BeginSqliteTransactionAsync(CancellationToken cancellationToken)
    {
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new SqliteSignalTransaction(_database, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
