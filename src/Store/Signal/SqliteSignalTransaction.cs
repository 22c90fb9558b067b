using Microsoft.Data.Sqlite;
using WaEngine.Engine.Storage;

namespace WaEngine.Store.Signal;

/// <summary>
/// A SQLite transaction carrying a cipher call's state change. Other writes that must land atomically with it
/// (the decrypted message handoff, an outbox row) go through <see cref="Connection"/> and <see cref="Transaction"/>.
/// Disposing without <see cref="CommitAsync"/> rolls everything back. A transaction that journalled an event (a stored
/// inbound message) raises the line database's <see cref="LineDatabase.Journalled"/> once it has committed.
/// </summary>
public sealed class SqliteSignalTransaction : ISignalStoreTransaction
{
    private readonly LineDatabase _database;
    private bool _journalled;

    internal SqliteSignalTransaction(LineDatabase database, SqliteConnection connection, SqliteTransaction transaction)
    {
        _database = database;
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
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (_journalled)
        {
            _journalled = false;
            _database.OnJournalled();
        }
    }

    /// <summary>Notes that a write through this transaction appended a journal row (signalled after the commit).</summary>
    internal void MarkJournalled() => _journalled = true;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync().ConfigureAwait(false);
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
