using WaEngine.Engine.Session;

namespace WaEngine.Engine.Tests.Session;

/// <summary>An idle line's keepalive timer wakes as seldom as the silence rule allows.</summary>
public class KeepaliveCadenceTests
{
    [Theory]
    // The defaults: 25 s pings, dead after 35 s of silence: a wake every 12.5 s, a ping every second wake.
    [InlineData(25, 10, 12.5)]
    // A slack longer than half the interval: the period shrinks so that silence is still seen inside two intervals.
    [InlineData(25, 20, 5)]
    // A slack as long as the interval: half the slack, never longer than the interval.
    [InlineData(25, 25, 12.5)]
    [InlineData(25, 60, 25)]
    // Never shorter than a second.
    [InlineData(1, 1, 1)]
    public void The_period_is_the_longest_that_still_sees_silence_inside_two_intervals(double interval, double slack, double expected) =>
        Assert.Equal(TimeSpan.FromSeconds(expected), KeepaliveCadence.CheckPeriod(TimeSpan.FromSeconds(interval), TimeSpan.FromSeconds(slack)));

    [Theory]
    [InlineData(25, 10)]
    [InlineData(25, 20)]
    [InlineData(60, 5)]
    public void Silence_becomes_certain_and_is_seen_inside_two_intervals(double interval, double slack)
    {
        var period = KeepaliveCadence.CheckPeriod(TimeSpan.FromSeconds(interval), TimeSpan.FromSeconds(slack));
        Assert.True(TimeSpan.FromSeconds(interval + slack) + period <= TimeSpan.FromSeconds(2 * interval), $"{interval} s + {slack} s + {period} exceeds two intervals");
    }
}
