using WaEngine.TestKit;

namespace WaEngine.Store.Tests;

/// <summary>The idle release of a line database's pooled connections: once after the last use, never while in use, nothing while idle.</summary>
public sealed class PoolReleaseTests
{
    [Fact]
    public void Releases_once_the_owner_is_unused_for_the_idle_time_and_not_before()
    {
        var clock = new ManualTimeProvider();
        var released = 0;
        using var release = new PoolRelease(TimeSpan.FromSeconds(5), () => released++, clock);

        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(0, released);

        release.Touch();
        clock.Advance(TimeSpan.FromSeconds(3));
        release.Touch();
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(0, released);

        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1, released);

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, released);

        release.Touch();
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, released);
    }
}
