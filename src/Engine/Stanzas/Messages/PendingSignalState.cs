using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The line's Signal store seen through the ratchet steps of messages encrypted but not yet committed: several planned
/// messages are encrypted one after the other (a message to a device reads the session the one before it left), their
/// steps gather here, and the caller commits them all in one transaction before any of their stanzas is written — a
/// group commit, so a crash before it leaves every message unwritten on the old ratchet state. Sessions built from
/// prekey bundles (X3DH for a new peer) and identities trusted meanwhile gather here too, so the first messages to many
/// new peers take one commit for all their sessions and steps. A plan to a group is encrypted on its own. Loop only.
/// </summary>
internal sealed class PendingSignalState(ISignalStore inner) : ISignalStore
{
    private readonly PendingSessions _sessions = new(inner.Sessions);
    private readonly ReadOnce _identities = new(inner.Identities);

    /// <summary>The steps gathered since the last <see cref="TakeChanges"/>.</summary>
    public SignalStateChange Changes => _sessions.Changes;

    /// <summary>Identities as the store has them, each read once for all the messages of the batch, and those trusted within it.</summary>
    public ISignalIdentityStore Identities => _identities;

    /// <inheritdoc />
    public IPreKeyStore PreKeys => inner.PreKeys;

    /// <inheritdoc />
    public ISignedPreKeyStore SignedPreKeys => inner.SignedPreKeys;

    /// <inheritdoc />
    public ISessionStore Sessions => _sessions;

    /// <inheritdoc />
    public ISenderKeyStore SenderKeys => inner.SenderKeys;

    /// <summary>True when steps wait to be committed.</summary>
    public bool HasChanges => !_sessions.Changes.IsEmpty;

    /// <summary>The gathered steps, to commit in the real store; the overlay starts empty again.</summary>
    public SignalStateChange TakeChanges() => _sessions.Take();

    /// <summary>A "transaction" that adds its change to the gathered steps on commit (nothing reaches the database).</summary>
    public Task<ISignalStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ISignalStoreTransaction>(new Gathering(_sessions, _identities));

    private sealed class PendingSessions(ISessionStore inner) : ISessionStore
    {
        public SignalStateChange Changes { get; private set; } = new();

        public SignalStateChange Take()
        {
            var taken = Changes;
            Changes = new SignalStateChange();
            return taken;
        }

        // The record a step left is handed on as it is: the next encrypt for the device advances it further, and a
        // step taken for a message that then fails only skips a counter, which the peer's ratchet allows.
        public Task<SessionRecord?> LoadSessionAsync(SignalAddress address, CancellationToken cancellationToken) =>
            Changes.Sessions.TryGetValue(address, out var record) ? Task.FromResult<SessionRecord?>(record) : inner.LoadSessionAsync(address, cancellationToken);

        public Task StoreSessionAsync(SignalAddress address, SessionRecord record, CancellationToken cancellationToken)
        {
            Changes.WithSession(address, record);
            return Task.CompletedTask;
        }

        public Task DeleteSessionAsync(SignalAddress address, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"Deleting the session of {address} while steps wait to be committed.");
    }

    private sealed class ReadOnce(ISignalIdentityStore inner) : ISignalIdentityStore
    {
        private readonly Dictionary<SignalAddress, byte[]?> _remote = [];
        private SignalIdentity? _local;

        public async Task<SignalIdentity?> GetLocalIdentityAsync(CancellationToken cancellationToken) =>
            _local ??= await inner.GetLocalIdentityAsync(cancellationToken).ConfigureAwait(false);

        public async Task<byte[]?> GetRemoteIdentityAsync(SignalAddress address, CancellationToken cancellationToken)
        {
            if (!_remote.TryGetValue(address, out var key))
            {
                key = await inner.GetRemoteIdentityAsync(address, cancellationToken).ConfigureAwait(false);
                _remote[address] = key;
            }

            return key;
        }

        /// <summary>An identity trusted by a step of the batch: what the next step reads, as the real store will after the commit.</summary>
        public void Trusted(SignalAddress address, byte[] identityKey) => _remote[address] = identityKey;

        public Task SaveLocalIdentityAsync(SignalIdentity identity, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Our identity is not saved while messages are encrypted.");

        public Task SaveRemoteIdentityAsync(SignalAddress address, byte[] identityKey, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"The identity of {address} is trusted through the batch's commit, not saved on its own.");
    }

    private sealed class Gathering(PendingSessions sessions, ReadOnce identities) : ISignalStoreTransaction
    {
        private readonly SignalStateChange _staged = new();

        // An identity trusted on first use (or trusted anew after a change, IdentityTrust) rides along too: the next
        // step reads it from the overlay, and the real commit writes it with the sessions and steps.
        public Task ApplyAsync(SignalStateChange change, CancellationToken cancellationToken)
        {
            _staged.Merge(change);
            return Task.CompletedTask;
        }

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            foreach (var (address, key) in _staged.Identities)
            {
                identities.Trusted(address, key);
            }

            sessions.Changes.Merge(_staged);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
