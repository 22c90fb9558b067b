using WaEngine.TestKit;
using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas.Pairing;
using LineOptions = WaEngine.Engine.Session.LineOptions;

namespace WaEngine.Integration.Tests;

/// <summary>The QR ref rotation on its own: 60 s for the first ref, 20 s for each later one, then nothing.</summary>
public sealed class QrRotationTests
{
    [Fact]
    public void ShowsEachRefOnceWithItsLifetimeThenEnds()
    {
        var time = new ManualTimeProvider();
        var rotation = new QrRotation(["a", "b", "c"], TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20));

        var first = rotation.Next(time.GetUtcNow());
        Assert.Equal(("a", time.GetUtcNow().AddSeconds(60)), first);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(("b", time.GetUtcNow().AddSeconds(20)), rotation.Next(time.GetUtcNow()));
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(("c", time.GetUtcNow().AddSeconds(20)), rotation.Next(time.GetUtcNow()));
        Assert.Equal(0, rotation.Remaining);
        Assert.Null(rotation.Next(time.GetUtcNow()));
        Assert.Null(rotation.Next(time.GetUtcNow()));
    }

    [Fact]
    public void AnEmptyListEndsAtOnce()
    {
        Assert.Null(new QrRotation([], TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20)).Next(DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void OptionsAreValidatedWithTheirNames()
    {
        var good = new LineOptions { ServerUrl = new Uri("ws://127.0.0.1:1/ws"), TrustedRootKey = new byte[32] };
        good.Validate();
        Assert.Contains("TrustedRootKey", Assert.Throws<ArgumentException>(() => (good with { TrustedRootKey = new byte[31] }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("ServerUrl", Assert.Throws<ArgumentException>(() => (good with { ServerUrl = new Uri("http://x/") }).Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("KeepAliveInterval", Assert.Throws<ArgumentException>(() => (good with { KeepAliveInterval = TimeSpan.Zero }).Validate()).Message, StringComparison.Ordinal);
    }
}
