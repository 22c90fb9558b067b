using System.Collections.Immutable;
using System.Threading.Channels;

namespace WaEngine.Engine.Events;

/// <summary>
/// Fans a line's events out to subscribers. Each subscriber has its own bounded channel that drops its oldest event
/// when full, so a slow subscriber never stalls the actor.
/// </summary>
public sealed class LineEventHub
{
    private ImmutableArray<Channel<LineEvent>> _subscribers = [];

    /// <summary>Totals of everything published (exact, whatever subscribers drop).</summary>
    public LineTally Tally { get; } = new();

    /// <summary>Subscribes; dispose the subscription to stop receiving.</summary>
    /// <param name="capacity">Events kept for this subscriber before the oldest are dropped.</param>
    public LineSubscription Subscribe(int capacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var channel = Channel.CreateBounded<LineEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleWriter = true,
        });
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(channel));
        return new LineSubscription(channel.Reader, () =>
        {
            ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(channel));
            channel.Writer.TryComplete();
        });
    }

    /// <summary>Hands <paramref name="sessionEvent"/> to every current subscriber (never blocks).</summary>
    public void Publish(LineEvent sessionEvent)
    {
        Tally.Count(sessionEvent);
        foreach (var subscriber in _subscribers)
        {
            subscriber.Writer.TryWrite(sessionEvent);
        }
    }

    /// <summary>Ends every subscription (the actor is gone).</summary>
    public void Complete()
    {
        foreach (var subscriber in ImmutableInterlocked.InterlockedExchange(ref _subscribers, []))
        {
            subscriber.Writer.TryComplete();
        }
    }
}
