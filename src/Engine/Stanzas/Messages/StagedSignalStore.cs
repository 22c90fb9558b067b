using WaEngine.Engine.Signal;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// A view of the line's Signal store with the steps of messages decrypted but not yet committed laid over it, so that
/// several one-to-one messages decrypt one after another and commit in one transaction (<see cref="InboundBatch"/>):
/// a session, a peer identity or a consumed one-time prekey staged here is what the next decryption reads. A session is
/// handed out as a copy, so a decryption that fails part-way leaves the staged one as it was. Sender keys, signed
/// prekeys, the local identity and every write go straight to the store (a batch holds no group message; a write, such
/// as trusting a changed identity, commits at once as it would without a batch). Loop only.
/// </summary>
internal sealed class StagedSignalStore : ISignalStore
{
    private readonly ISignalStore _store;

    public StagedSignalStore(ISignalStore store)
    {
        _store = store;
        Sessions = new StagedSessions(this);
        Identities = new StagedIdentities(this);
        PreKeys = new StagedPreKeys(this);
    }

    /// <summary>What the staged decryptions changed, to be applied in the batch's transaction.</summary>
    public SignalStateChange Staged { get; } = new();

    public ISignalIdentityStore Identities { get; }

    public IPreKeyStore PreKeys { get; }

    public ISignedPreKeyStore SignedPreKeys => _store.SignedPreKeys;

    public ISessionStore Sessions { get; }

    public ISenderKeyStore SenderKeys => _store.SenderKeys;

    /// <summary>Lays a decryption's change over the store (its records win).</summary>
    public void Stage(SignalStateChange change) => Staged.Merge(change);

    public Task<ISignalStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken) => _store.BeginTransactionAsync(cancellationToken);

    private sealed class StagedSessions(StagedSignalStore owner) : ISessionStore
    {
        public async Task<SessionRecord?> LoadSessionAsync(SignalAddress address, CancellationToken cancellationToken) =>
            owner.Staged.Sessions.TryGetValue(address, out var staged)
                ? staged.Clone()
                : await owner._store.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false);

        public Task StoreSessionAsync(SignalAddress address, SessionRecord record, CancellationToken cancellationToken) =>
            owner._store.Sessions.StoreSessionAsync(address, record, cancellationToken);

        public Task DeleteSessionAsync(SignalAddress address, CancellationToken cancellationToken) =>
            owner._store.Sessions.DeleteSessionAsync(address, cancellationToken);
    }

    private sealed class StagedIdentities(StagedSignalStore owner) : ISignalIdentityStore
    {
        public Task<SignalIdentity?> GetLocalIdentityAsync(CancellationToken cancellationToken) => owner._store.Identities.GetLocalIdentityAsync(cancellationToken);

        public Task SaveLocalIdentityAsync(SignalIdentity identity, CancellationToken cancellationToken) =>
            owner._store.Identities.SaveLocalIdentityAsync(identity, cancellationToken);

        public async Task<byte[]?> GetRemoteIdentityAsync(SignalAddress address, CancellationToken cancellationToken) =>
            owner.Staged.Identities.TryGetValue(address, out var staged)
                ? staged
                : await owner._store.Identities.GetRemoteIdentityAsync(address, cancellationToken).ConfigureAwait(false);

        public Task SaveRemoteIdentityAsync(SignalAddress address, byte[] identityKey, CancellationToken cancellationToken) =>
            owner._store.Identities.SaveRemoteIdentityAsync(address, identityKey, cancellationToken);
    }

    private sealed class StagedPreKeys(StagedSignalStore owner) : IPreKeyStore
    {
        public async Task<PreKeyRecord?> LoadPreKeyAsync(uint id, CancellationToken cancellationToken) =>
            owner.Staged.RemovedPreKeys.Contains(id) ? null : await owner._store.PreKeys.LoadPreKeyAsync(id, cancellationToken).ConfigureAwait(false);

        public Task StorePreKeysAsync(IReadOnlyList<PreKeyRecord> preKeys, CancellationToken cancellationToken) =>
            owner._store.PreKeys.StorePreKeysAsync(preKeys, cancellationToken);

        public Task RemovePreKeyAsync(uint id, CancellationToken cancellationToken) => owner._store.PreKeys.RemovePreKeyAsync(id, cancellationToken);

        public Task<int> CountPreKeysAsync(CancellationToken cancellationToken) => owner._store.PreKeys.CountPreKeysAsync(cancellationToken);
    }
}
