using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Storage;

/// <summary>Pairwise session records, one per peer device address.</summary>
public interface ISessionStore
{
    /// <summary>The record for <paramref name="address"/>, a fresh copy each call, or null when there is none.</summary>
    Task<SessionRecord?> LoadSessionAsync(SignalAddress address, CancellationToken cancellationToken);

    /// <summary>Stores (replaces) the record for <paramref name="address"/>.</summary>
    Task StoreSessionAsync(SignalAddress address, SessionRecord record, CancellationToken cancellationToken);

    /// <summary>Deletes the record; deleting a missing one is not an error.</summary>
    Task DeleteSessionAsync(SignalAddress address, CancellationToken cancellationToken);
}
