using WaEngine.Engine.Session;

namespace WaEngine.Engine.Tests.Session;

public class ReconnectPolicyTests
{
    [Fact]
    public void Delays_grow_exponentially_within_half_to_full_ceiling_and_stop_at_the_max()
    {
        var policy = new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.FromMilliseconds(500), policy.DelayFor(0, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.DelayFor(1, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(4), policy.DelayFor(3, 0.0));
        Assert.True(policy.DelayFor(3, 0.999) < TimeSpan.FromSeconds(8));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayFor(20, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayFor(int.MaxValue, 0.0));
        Assert.True(policy.DelayFor(int.MaxValue, 0.9999) <= TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void A_thousand_lines_dropped_together_spread_over_the_window()
    {
        var policy = ReconnectPolicy.Default;
        var random = new Random(42);
        var delays = Enumerable.Range(0, 1000).Select(_ => policy.DelayFor(4, random.NextDouble()).TotalMilliseconds).ToArray();

        // Attempt 4: ceiling 16 s, so delays fall in [8 s, 16 s); no one-second bucket may hold more than a fifth of them.
        Assert.All(delays, d => Assert.InRange(d, 8_000, 16_000));
        var busiest = delays.GroupBy(d => (int)(d / 1000)).Max(g => g.Count());
        Assert.True(busiest < 200, $"{busiest} of 1,000 reconnects fell in one second");
    }

    [Fact]
    public void Bad_settings_and_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ReconnectPolicy(TimeSpan.Zero, TimeSpan.FromSeconds(1)).Validate());
        Assert.Throws<ArgumentException>(() => new ReconnectPolicy(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)).Validate());
        Assert.Throws<ArgumentException>(() => new ReconnectPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), 0.5).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconnectPolicy.Default.DelayFor(-1, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconnectPolicy.Default.DelayFor(0, 1.0));
    }
}
