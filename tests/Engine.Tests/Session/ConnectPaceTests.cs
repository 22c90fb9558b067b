using WaEngine.Engine.Session;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Session;

public class ConnectPaceTests
{
    [Fact]
    public void R18_connects_asked_for_together_get_slots_one_jittered_gap_apart()
    {
        var jitter = new Queue<double>([0.0, 0.999999, 0.5, 0.0]);
        var pace = new ConnectPace(2, new ManualTimeProvider(), jitter.Dequeue);

        // 2 per second: gaps of 500 ms to 750 ms; the first slot is now.
        Assert.Equal(0, pace.Reserve().TotalMilliseconds, 0.01);
        Assert.Equal(500, pace.Reserve().TotalMilliseconds, 0.01);
        Assert.Equal(1250, pace.Reserve().TotalMilliseconds, 0.01);
        Assert.Equal(1875, pace.Reserve().TotalMilliseconds, 0.01);
    }

    [Fact]
    public void R18_a_connect_after_a_quiet_spell_goes_at_once()
    {
        var time = new ManualTimeProvider();
        var pace = new ConnectPace(4, time, () => 0);
        Assert.Equal(TimeSpan.Zero, pace.Reserve());
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(TimeSpan.Zero, pace.Reserve());
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(150), pace.Reserve());
    }

    [Fact]
    public async Task R18_the_wait_ends_only_when_the_clock_reaches_the_slot()
    {
        var time = new ManualTimeProvider();
        var pace = new ConnectPace(4, time, () => 0);
        await pace.WaitAsync(CancellationToken.None);
        var second = pace.WaitAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void R18_a_pace_that_is_not_a_positive_number_is_refused(double perSecond) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectPace(perSecond, new ManualTimeProvider()));

    [Fact]
    public void R18_a_pace_whose_rate_changes_spaces_the_next_slots_by_the_new_rate()
    {
        var rate = 2.0;
        var pace = new ConnectPace(() => rate, new ManualTimeProvider(), () => 0);
        Assert.Equal(0, pace.Reserve().TotalMilliseconds, 0.01);
        Assert.Equal(500, pace.Reserve().TotalMilliseconds, 0.01);
        rate = 50;
        // The slot after 500 ms was reserved at 2 per second (500 ms on); the ones after it are 20 ms apart.
        Assert.Equal(1000, pace.Reserve().TotalMilliseconds, 0.01);
        Assert.Equal(1020, pace.Reserve().TotalMilliseconds, 0.01);
    }
}
