using System.Collections.Concurrent;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Engine.Session;

/// <summary>
/// Our iqs waiting for an answer, by id. The connection's reader completes them; on disconnect every one fails with
/// <see cref="LineErrorKind.Disconnected"/>.
/// </summary>
internal sealed class PendingIqTable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Node>> _pending = new(StringComparer.Ordinal);
    private volatile LineException? _closed;

    public Task<Node> Register(string id)
    {
        var source = new TaskCompletionSource<Node>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_closed is { } closed)
        {
            source.SetException(closed);
            return source.Task;
        }

        if (!_pending.TryAdd(id, source))
        {
            throw new InvalidOperationException($"An iq with id {id} is already waiting.");
        }

        if (_closed is { } late && _pending.TryRemove(id, out _))
        {
            source.TrySetException(late);
        }

        return source.Task;
    }

    public bool TryComplete(Node node)
    {
        if (node.Attr("id") is not { } id || !_pending.TryRemove(id, out var source))
        {
            return false;
        }

        source.TrySetResult(node);
        return true;
    }

    public void Forget(string id) => _pending.TryRemove(id, out _);

    public void FailAll(LineException reason)
    {
        _closed = reason;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var source))
            {
                source.TrySetException(reason);
            }
        }
    }
}
