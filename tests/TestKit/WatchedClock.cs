using System.Threading.Channels;

namespace WaEngine.TestKit;

/// <summary>
/// A <see cref="ManualTimeProvider"/> that reports every timer started on it (its due time), so a test knows that code
/// under test is now waiting on the clock before it moves the clock — no sleeping, no polling.
/// </summary>
public sealed class WatchedClock : TimeProvider
{
    private readonly ManualTimeProvider _clock = new();

    /// <summary>The due time of every timer created, in order.</summary>
    public Channel<TimeSpan> Waits { get; } = Channel.CreateUnbounded<TimeSpan>();

    public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = _clock.CreateTimer(callback, state, dueTime, period);
        Waits.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Moves the clock; timers due by then fire during the call.</summary>
    public void Advance(TimeSpan by) => _clock.Advance(by);
}
