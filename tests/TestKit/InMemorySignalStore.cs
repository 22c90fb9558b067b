using WaEngine.Engine.Transport;
using WaEngine.Engine.Storage;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Signal;

namespace WaEngine.TestKit;

/// <summary>
/// Signal state of one line kept in memory (tests, tools). Records are kept serialized, so every load returns a fresh
/// copy, as a database would. Not thread-safe: a line's actor is its only caller.
/// </summary>
public sealed class InMemorySignalStore : ISignalStore, ISignalIdentityStore, IPreKeyStore, ISignedPreKeyStore, ISessionStore, ISenderKeyStore
{
    private readonly Dictionary<SignalAddress, byte[]> _identities = [];
    private readonly Dictionary<uint, byte[]> _preKeys = [];
    private readonly Dictionary<uint, SignedPreKeyRecord> _signedPreKeys = [];
    private readonly Dictionary<SignalAddress, byte[]> _sessions = [];
    private readonly Dictionary<SenderKeyName, byte[]> _senderKeys = [];
    private SignalIdentity? _local;

    /// <inheritdoc />
    public ISignalIdentityStore Identities => this;

    /// <inheritdoc />
    public IPreKeyStore PreKeys => this;

    /// <inheritdoc />
    public ISignedPreKeyStore SignedPreKeys => this;

    /// <inheritdoc />
    public ISessionStore Sessions => this;

    /// <inheritdoc />
    public ISenderKeyStore SenderKeys => this;

    /// <inheritdoc />
    public Task<ISignalStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ISignalStoreTransaction>(new InMemorySignalTransaction(this));

    /// <inheritdoc />
    public Task<SignalIdentity?> GetLocalIdentityAsync(CancellationToken cancellationToken) => Task.FromResult(_local);

    /// <inheritdoc />
    public Task SaveLocalIdentityAsync(SignalIdentity identity, CancellationToken cancellationToken)
    {
        _local = identity;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<byte[]?> GetRemoteIdentityAsync(SignalAddress address, CancellationToken cancellationToken) =>
        Task.FromResult(_identities.TryGetValue(address, out var key) ? (byte[])key.Clone() : null);

    /// <inheritdoc />
    public Task SaveRemoteIdentityAsync(SignalAddress address, byte[] identityKey, CancellationToken cancellationToken)
    {
        _identities[address] = (byte[])identityKey.Clone();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<PreKeyRecord?> LoadPreKeyAsync(uint id, CancellationToken cancellationToken) =>
        Task.FromResult(_preKeys.TryGetValue(id, out var key) ? new PreKeyRecord(id, Curve25519.KeyPairFromPrivate(key)) : null);

    /// <inheritdoc />
    public Task StorePreKeysAsync(IReadOnlyList<PreKeyRecord> preKeys, CancellationToken cancellationToken)
    {
        foreach (var preKey in preKeys)
        {
            _preKeys[preKey.Id] = (byte[])preKey.KeyPair.PrivateKey.Clone();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemovePreKeyAsync(uint id, CancellationToken cancellationToken)
    {
        _preKeys.Remove(id);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<int> CountPreKeysAsync(CancellationToken cancellationToken) => Task.FromResult(_preKeys.Count);

    /// <inheritdoc />
    public Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint id, CancellationToken cancellationToken) =>
        Task.FromResult(_signedPreKeys.GetValueOrDefault(id));

    /// <inheritdoc />
    public Task StoreSignedPreKeyAsync(SignedPreKeyRecord signedPreKey, CancellationToken cancellationToken)
    {
        _signedPreKeys[signedPreKey.Id] = signedPreKey;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SessionRecord?> LoadSessionAsync(SignalAddress address, CancellationToken cancellationToken) =>
        Task.FromResult(_sessions.TryGetValue(address, out var bytes) ? SessionRecord.Parse(bytes) : null);

    /// <inheritdoc />
    public Task StoreSessionAsync(SignalAddress address, SessionRecord record, CancellationToken cancellationToken)
    {
        _sessions[address] = record.Serialize();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteSessionAsync(SignalAddress address, CancellationToken cancellationToken)
    {
        _sessions.Remove(address);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken) =>
        Task.FromResult(_senderKeys.TryGetValue(name, out var bytes) ? SenderKeyRecord.Parse(bytes) : null);

    /// <inheritdoc />
    public Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record, CancellationToken cancellationToken)
    {
        _senderKeys[name] = record.Serialize();
        return Task.CompletedTask;
    }

    /// <summary>Writes every part of <paramref name="change"/> (called by the transaction on commit).</summary>
    internal void Apply(SignalStateChange change)
    {
        foreach (var (address, key) in change.Identities)
        {
            _identities[address] = (byte[])key.Clone();
        }

        foreach (var id in change.RemovedPreKeys)
        {
            _preKeys.Remove(id);
        }

        foreach (var (address, record) in change.Sessions)
        {
            _sessions[address] = record.Serialize();
        }

        foreach (var (name, record) in change.SenderKeys)
        {
            _senderKeys[name] = record.Serialize();
        }
    }
}
