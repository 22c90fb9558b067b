using WaEngine.Api.Hosting;
using WaEngine.Api.Sessions;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Sessions;

/// <summary>R18 at scale: the automatic login rate spreads every line over the restore window, never faster than 100 per second.</summary>
public class LoginRateTests
{
    [Theory]
    [InlineData(0, 2.0)]
    [InlineData(100, 2.0)]
    [InlineData(1000, 5.2083)]
    [InlineData(10000, 52.083)]
    [InlineData(100000, 100.0)]
    public void R18_the_automatic_rate_fits_the_lines_into_four_minutes(int lines, double expected) =>
        Assert.Equal(expected, LoginRate.For(lines, TimeSpan.FromMinutes(4)), 3);

    [Fact]
    public void R18_an_automatic_rate_follows_the_lines_and_a_fixed_one_does_not()
    {
        var automatic = LoginRate.Automatic(TimeSpan.FromMinutes(4));
        Assert.Equal(LoginRate.Floor, automatic.PerSecond);
        automatic.Plan(10_000);
        Assert.Equal(52.083, automatic.PerSecond, 3);
        automatic.Plan(10);
        Assert.Equal(LoginRate.Floor, automatic.PerSecond);

        var set = LoginRate.Fixed(20);
        set.Plan(10_000);
        Assert.Equal(20, set.PerSecond);
        Assert.False(set.IsAutomatic);
    }

    [Fact]
    public void R18_the_restore_of_ten_thousand_lines_at_the_default_ends_inside_five_minutes()
    {
        // The gaps of the restore itself, jitter at its worst (every gap 1.5 times the even spacing) and at its mean.
        var rate = new ApiOptions().CreateLoginRate();
        Assert.True(rate.IsAutomatic);
        rate.Plan(10_000);
        var worst = new RestorePace(rate, new ManualTimeProvider(), () => 0.999999);
        var mean = new RestorePace(rate, new ManualTimeProvider(), () => 0.5);
        Assert.InRange(TimeSpan.FromTicks(worst.NextGap().Ticks * 9_999), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.InRange(TimeSpan.FromTicks(mean.NextGap().Ticks * 9_999), TimeSpan.FromMinutes(3.9), TimeSpan.FromMinutes(4));
    }

    [Fact]
    public void A_set_rate_out_of_range_and_a_window_out_of_range_are_refused_with_their_names()
    {
        var problems = new ApiOptionsValidator().Validate(null, new ApiOptions { RestoreLoginsPerSecond = 500, RestoreWithin = TimeSpan.FromSeconds(1) }).Failures!;
        Assert.Contains(problems, p => p.Contains("RestoreLoginsPerSecond is 500", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("RestoreWithin", StringComparison.Ordinal));
        Assert.True(new ApiOptionsValidator().Validate(null, new ApiOptions()).Succeeded);
    }
}
