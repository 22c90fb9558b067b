using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Storage;

/// <summary>
/// The state a Signal operation computed but did not write: new session and sender-key records, consumed prekeys,
/// newly trusted identities. Nothing is durable until a caller applies it in an <see cref="ISignalStoreTransaction"/>.
/// </summary>
public sealed class SignalStateChange
{
    private readonly Dictionary<SignalAddress, SessionRecord> _sessions = [];
    private readonly Dictionary<SenderKeyName, SenderKeyRecord> _senderKeys = [];
    private readonly Dictionary<SignalAddress, byte[]> _identities = [];
    private readonly HashSet<uint> _removedPreKeys = [];

    /// <summary>Session records to store.</summary>
    public IReadOnlyDictionary<SignalAddress, SessionRecord> Sessions => _sessions;

    /// <summary>Sender-key records to store.</summary>
    public IReadOnlyDictionary<SenderKeyName, SenderKeyRecord> SenderKeys => _senderKeys;

    /// <summary>Peer identity keys (32 bytes) to trust.</summary>
    public IReadOnlyDictionary<SignalAddress, byte[]> Identities => _identities;

    /// <summary>One-time prekey ids to remove.</summary>
    public IReadOnlyCollection<uint> RemovedPreKeys => _removedPreKeys;

    /// <summary>True when there is nothing to write.</summary>
    public bool IsEmpty => _sessions.Count == 0 && _senderKeys.Count == 0 && _identities.Count == 0 && _removedPreKeys.Count == 0;

    /// <summary>A change that only trusts a new identity key for <paramref name="address"/> (after an untrusted-identity error).</summary>
    public static SignalStateChange TrustIdentity(SignalAddress address, byte[] identityKey) =>
        new SignalStateChange().WithIdentity(address, identityKey);

    /// <summary>Adds (or replaces) a session record.</summary>
    public SignalStateChange WithSession(SignalAddress address, SessionRecord record)
    {
        _sessions[address] = record;
        return this;
    }

    /// <summary>Adds (or replaces) a sender-key record.</summary>
    public SignalStateChange WithSenderKey(SenderKeyName name, SenderKeyRecord record)
    {
        _senderKeys[name] = record;
        return this;
    }

    /// <summary>Adds an identity to trust.</summary>
    public SignalStateChange WithIdentity(SignalAddress address, byte[] identityKey)
    {
        _identities[address] = identityKey;
        return this;
    }

    /// <summary>Adds a consumed prekey.</summary>
    public SignalStateChange WithRemovedPreKey(uint id)
    {
        _removedPreKeys.Add(id);
        return this;
    }

    /// <summary>Folds <paramref name="later"/> into this change; its records win where both touch the same key.</summary>
    public SignalStateChange Merge(SignalStateChange later)
    {
        foreach (var (address, record) in later._sessions)
        {
            _sessions[address] = record;
        }

        foreach (var (name, record) in later._senderKeys)
        {
            _senderKeys[name] = record;
        }

        foreach (var (address, key) in later._identities)
        {
            _identities[address] = key;
        }

        _removedPreKeys.UnionWith(later._removedPreKeys);
        return this;
    }
}
