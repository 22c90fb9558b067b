namespace WaEngine.Engine.Storage;

/// <summary>All Signal state of one line, and the transaction that commits a cipher call's changes atomically.</summary>
public interface ISignalStore
{
    /// <summary>Our identity and trusted peer identities.</summary>
    ISignalIdentityStore Identities { get; }

    /// <summary>One-time prekeys.</summary>
    IPreKeyStore PreKeys { get; }

    /// <summary>Signed prekeys.</summary>
    ISignedPreKeyStore SignedPreKeys { get; }

    /// <summary>Pairwise sessions.</summary>
    ISessionStore Sessions { get; }

    /// <summary>Group sender keys.</summary>
    ISenderKeyStore SenderKeys { get; }

    /// <summary>Starts a transaction; dispose it without committing to roll back.</summary>
    Task<ISignalStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken);
}
