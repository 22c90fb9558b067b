using Microsoft.Data.Sqlite;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Signal;

/// <summary>
/// A SQLite transaction carrying a cipher call's state change. Other writes that must land atomically with it
/// (the decrypted message handoff, an outbox row) go through <see cref="Connection"/> and <see cref="Transaction"/>.
/// Disposing without <see cref="CommitAsync"/> rolls everything back.
/// </summary>
public sealed class SqliteSignalTransaction : ISignalStoreTransaction
{
    internal SqliteSignalTransaction(SqliteConnection connection, SqliteTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    /// <summary>The connection the transaction runs on.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>The open transaction.</summary>
    public SqliteTransaction Transaction { get; }

    /// <inheritdoc />
    public async Task ApplyAsync(SignalStateChange change, CancellationToken cancellationToken)
    {
        foreach (var (address, key) in change.Identities)
        {
            await SqliteSignalIdentityStore.WriteRemoteAsync(Connection, Transaction, address, key, cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in change.RemovedPreKeys)
        {
            await SqlitePreKeyStore.DeleteAsync(Connection, Transaction, id, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (address, record) in change.Sessions)
        {
            await SqliteSessionStore.WriteAsync(Connection, Transaction, address, record, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (name, record) in change.SenderKeys)
        {
            await SqliteSenderKeyStore.WriteAsync(Connection, Transaction, name, record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync().ConfigureAwait(false);
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
