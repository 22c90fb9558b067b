namespace WaEngine.Engine.Storage;

/// <summary>Conveniences over <see cref="ISignalStore"/>.</summary>
public static class SignalStoreExtensions
{
    /// <summary>Applies <paramref name="change"/> in a transaction of its own and commits it.</summary>
    public static async Task CommitAsync(this ISignalStore store, SignalStateChange change, CancellationToken cancellationToken)
    {
        var transaction = await store.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await transaction.ApplyAsync(change, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
