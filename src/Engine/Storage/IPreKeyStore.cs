using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Storage;

/// <summary>Our one-time prekeys, each removed when the pkmsg that used it is committed.</summary>
public interface IPreKeyStore
{
    /// <summary>The prekey with that id, or null when it was never made or was already consumed.</summary>
    Task<PreKeyRecord?> LoadPreKeyAsync(uint id, CancellationToken cancellationToken);

    /// <summary>Stores a batch of new prekeys (replacing any with the same id after a wrap).</summary>
    Task StorePreKeysAsync(IReadOnlyList<PreKeyRecord> preKeys, CancellationToken cancellationToken);

    /// <summary>Removes a prekey; removing a missing one is not an error.</summary>
    Task RemovePreKeyAsync(uint id, CancellationToken cancellationToken);

    /// <summary>How many unused prekeys remain (to decide when to upload more).</summary>
    Task<int> CountPreKeysAsync(CancellationToken cancellationToken);
}
