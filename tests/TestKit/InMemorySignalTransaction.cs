using WaEngine.Engine.Transport;
using WaEngine.Engine.Storage;
namespace WaEngine.TestKit;

/// <summary>Stages changes and writes them to the <see cref="InMemorySignalStore"/> only on commit.</summary>
internal sealed class InMemorySignalTransaction : ISignalStoreTransaction
{
    private readonly InMemorySignalStore _store;
    private readonly List<SignalStateChange> _staged = [];
    private bool _done;

    public InMemorySignalTransaction(InMemorySignalStore store)
    {
        _store = store;
    }

    public Task ApplyAsync(SignalStateChange change, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _staged.Add(change);
        return Task.CompletedTask;
    }

    public Task CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        foreach (var change in _staged)
        {
            _store.Apply(change);
        }

        _done = true;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _done = true;
        _staged.Clear();
        return ValueTask.CompletedTask;
    }
}
