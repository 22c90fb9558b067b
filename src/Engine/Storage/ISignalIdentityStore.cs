using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Storage;

/// <summary>Our own Signal identity, and the identity keys we trust for peer addresses.</summary>
public interface ISignalIdentityStore
{
    /// <summary>Our identity key pair and registration id, or null before registration.</summary>
    Task<SignalIdentity?> GetLocalIdentityAsync(CancellationToken cancellationToken);

    /// <summary>Stores our identity (once, at registration).</summary>
    Task SaveLocalIdentityAsync(SignalIdentity identity, CancellationToken cancellationToken);

    /// <summary>The 32-byte identity key trusted for <paramref name="address"/>, or null when we have none.</summary>
    Task<byte[]?> GetRemoteIdentityAsync(SignalAddress address, CancellationToken cancellationToken);

    /// <summary>Trusts <paramref name="identityKey"/> (32 bytes) for <paramref name="address"/>, replacing any other.</summary>
    Task SaveRemoteIdentityAsync(SignalAddress address, byte[] identityKey, CancellationToken cancellationToken);
}
