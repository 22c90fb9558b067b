using System.Threading.Channels;

namespace WaEngine.Engine.Events;

/// <summary>One subscriber's view of a line's events.</summary>
public sealed class LineSubscription : IDisposable
{
    private readonly Action _unsubscribe;
    private int _disposed;

    internal LineSubscription(ChannelReader<LineEvent> reader, Action unsubscribe)
    {
        Reader = reader;
        _unsubscribe = unsubscribe;
    }

    /// <summary>The events, in the order the actor published them; completes when the actor is disposed.</summary>
    public ChannelReader<LineEvent> Reader { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unsubscribe();
        }
    }
}
