using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Storage;

/// <summary>Our signed prekeys (the current one and a few older ones peers may still name).</summary>
public interface ISignedPreKeyStore
{
    /// <summary>The signed prekey with that id, or null.</summary>
    Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint id, CancellationToken cancellationToken);

    /// <summary>Stores a signed prekey.</summary>
    Task StoreSignedPreKeyAsync(SignedPreKeyRecord signedPreKey, CancellationToken cancellationToken);
}
