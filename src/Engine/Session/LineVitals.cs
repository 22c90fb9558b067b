using System.Collections.Concurrent;

namespace WaEngine.Engine.Session;

/// <summary>A line's reconnect counts and last frame seen, kept for <see cref="LineHealth"/>. Thread-safe.</summary>
internal sealed class LineVitals(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private readonly Queue<DateTimeOffset> _reconnects = new();
    private readonly Lock _gate = new();
    private int _total;
    private long _lastFrameTicks;
    private long _framesReceived;
    private long _framesSent;
    private readonly ConcurrentDictionary<string, long> _lostByReason = new(StringComparer.Ordinal);

    /// <summary>Reconnect attempts since the line was made.</summary>
    public int Total => Volatile.Read(ref _total);

    /// <summary>The last frame of an ended connection, or null.</summary>
    public DateTimeOffset? LastFrame => Interlocked.Read(ref _lastFrameTicks) is > 0 and var ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Counts one reconnect attempt now.</summary>
    public void Reconnected()
    {
        Interlocked.Increment(ref _total);
        lock (_gate)
        {
            _reconnects.Enqueue(time.GetUtcNow());
        }
    }

    /// <summary>Remembers when a connection that just ended last heard from the server, and adds its frame counts to the totals.</summary>
    public void ConnectionEnded(LineConnection connection)
    {
        Interlocked.Exchange(ref _lastFrameTicks, connection.LastFrameReceived.UtcTicks);
        Interlocked.Add(ref _framesReceived, connection.FramesReceived);
        Interlocked.Add(ref _framesSent, connection.FramesSent);
    }

    /// <summary>Counts a connection given up for <paramref name="reason"/> (a short machine-readable word), to be replaced.</summary>
    public void ConnectionLost(string reason) => _lostByReason.AddOrUpdate(reason.Split(':')[0], 1, (_, count) => count + 1);

    /// <summary>Reconnect attempts in the last 24 hours.</summary>
    public int InLastDay()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            while (_reconnects.Count > 0 && now - _reconnects.Peek() > Window)
            {
                _reconnects.Dequeue();
            }

            return _reconnects.Count;
        }
    }

    /// <summary>The line's health now, from its state machine and connection state.</summary>
    public LineHealth Snapshot(LineStateMachine machine, LineLink link)
    {
        var connection = link.Connection;
        return new LineHealth(
            machine.Current, machine.LastReason, machine.Since, connection is not null, connection is not null && link.LoggedIn,
            connection?.LastFrameReceived ?? LastFrame, connection?.LastPingAnswered, Total, InLastDay(),
            Interlocked.Read(ref _framesReceived) + (connection?.FramesReceived ?? 0),
            Interlocked.Read(ref _framesSent) + (connection?.FramesSent ?? 0),
            _lostByReason,
            Until: machine.LastUntil);
    }
}
