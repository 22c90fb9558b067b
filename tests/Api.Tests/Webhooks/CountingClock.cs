using Microsoft.Extensions.Time.Testing;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>A manual clock (<see cref="FakeTimeProvider"/>) that counts how many of its timers have fired.</summary>
internal sealed class CountingClock : TimeProvider
{
    private readonly FakeTimeProvider _fake = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private int _fired;

    /// <summary>How many timer callbacks have run (a Task.Delay ending, a deadline passing).</summary>
    public int Fired => Volatile.Read(ref _fired);

    public override DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    public override long GetTimestamp() => _fake.GetTimestamp();

    public override long TimestampFrequency => _fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _fake.CreateTimer(
            s =>
            {
                Interlocked.Increment(ref _fired);
                callback(s);
            },
            state,
            dueTime,
            period);

    /// <summary>Moves the clock; timers due by then fire during the call.</summary>
    public void Advance(TimeSpan by) => _fake.Advance(by);
}
