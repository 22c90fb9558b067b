using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Storage;

/// <summary>Group sender-key records, one per (group, sender device).</summary>
public interface ISenderKeyStore
{
    /// <summary>The record for <paramref name="name"/>, a fresh copy each call, or null.</summary>
    Task<SenderKeyRecord?> LoadSenderKeyAsync(SenderKeyName name, CancellationToken cancellationToken);

    /// <summary>Stores (replaces) the record for <paramref name="name"/>.</summary>
    Task StoreSenderKeyAsync(SenderKeyName name, SenderKeyRecord record, CancellationToken cancellationToken);
}
