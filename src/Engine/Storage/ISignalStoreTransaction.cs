namespace WaEngine.Engine.Storage;

/// <summary>
/// One atomic write of Signal state. Apply the <see cref="SignalStateChange"/> a cipher call produced, write whatever
/// must land with it (the decrypted message handoff, the outbox row of an encrypted one) and commit; disposing
/// without <see cref="CommitAsync"/> rolls everything back, so a crash leaves the old ratchet state in place.
/// </summary>
public interface ISignalStoreTransaction : IAsyncDisposable
{
    /// <summary>Stages every write of <paramref name="change"/> in this transaction.</summary>
    Task ApplyAsync(SignalStateChange change, CancellationToken cancellationToken);

    /// <summary>Makes the staged writes durable.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
