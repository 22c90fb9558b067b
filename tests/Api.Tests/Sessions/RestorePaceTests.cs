using WaEngine.Api.Sessions;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Sessions;

/// <summary>R18: a restore is spread out, at most the configured logins per second, jittered.</summary>
public class RestorePaceTests
{
    [Theory]
    [InlineData(2.0, 0.0, 500)]
    [InlineData(2.0, 0.999999, 750)]
    [InlineData(0.5, 0.5, 2500)]
    public void R18_the_gap_is_one_to_one_and_a_half_even_spacings(double perSecond, double random, int expectedMs)
    {
        var pace = new RestorePace(perSecond, new ManualTimeProvider(), () => random);
        Assert.Equal(expectedMs, pace.NextGap().TotalMilliseconds, 0.01);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void R18_a_pace_that_is_not_a_positive_number_is_refused(double perSecond) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RestorePace(perSecond, new ManualTimeProvider()));

    [Fact]
    public async Task R18_the_wait_ends_only_when_the_clock_has_moved_by_the_gap()
    {
        var time = new ManualTimeProvider();
        var pace = new RestorePace(4, time, () => 0);
        var wait = pace.WaitAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
