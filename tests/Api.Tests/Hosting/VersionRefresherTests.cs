using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Api.Hosting;
using WaEngine.Engine.Pairing;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Hosting;

/// <summary>
/// CONTRACT §1 and R8: without a pinned version the service reads WhatsApp Web's version once it listens and then daily;
/// a daily read that fails keeps the last known version and says why. On a watched manual clock: the test moves the day
/// only once the refresher is waiting on it.
/// </summary>
public sealed class VersionRefresherTests
{
    private static readonly WaWebVersion Published = new(2, 3000, 1045649367);
    private static readonly WaWebVersion Newer = new(2, 3000, 1046000000);

    [Fact]
    public async Task R8_the_version_is_read_when_the_service_listens_then_daily_and_a_failed_read_keeps_the_last_known_one()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = new WatchedClock();
        var answers = Channel.CreateUnbounded<Func<WaWebVersion>>();
        var reads = Channel.CreateUnbounded<int>();
        var count = 0;
        var source = new WaWebVersionSource(WaWebVersion.Default, async cancellationToken =>
        {
            reads.Writer.TryWrite(Interlocked.Increment(ref count));
            return (await answers.Reader.ReadAsync(cancellationToken))();
        });
        var lifetime = new StartedLifetime();
        using var refresher = new VersionRefresher(source, new WhatsAppVersionSettings(null, true, null), lifetime, clock, NullLogger<VersionRefresher>.Instance);

        await refresher.StartAsync(timeout.Token);
        Assert.False(refresher.StartRefreshed.IsCompleted);
        Assert.False(reads.Reader.TryRead(out _));

        // The service listens: the first read, and restores wait for it.
        lifetime.Start();
        Assert.Equal(1, await reads.Reader.ReadAsync(timeout.Token));
        Assert.False(refresher.StartRefreshed.IsCompleted);
        answers.Writer.TryWrite(() => Published);
        await refresher.StartRefreshed.WaitAsync(timeout.Token);
        Assert.Equal(Published, source.Current);
        Assert.Equal(VersionRefresher.Interval, await clock.Waits.Reader.ReadAsync(timeout.Token));

        // Not before a day has passed.
        clock.Advance(VersionRefresher.Interval - TimeSpan.FromSeconds(1));
        Assert.False(reads.Reader.TryRead(out _));

        // The daily read fails: the last known version stays and the source says why.
        answers.Writer.TryWrite(() => throw new WaWebVersionException("https://web.whatsapp.com/sw.js answered 503 Service Unavailable."));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await reads.Reader.ReadAsync(timeout.Token));
        Assert.Equal(VersionRefresher.Interval, await clock.Waits.Reader.ReadAsync(timeout.Token));
        Assert.Equal(Published, source.Current);
        Assert.Contains("503", source.LastError, StringComparison.Ordinal);

        // The next day's read finds a newer one and the lines announce it from then on.
        answers.Writer.TryWrite(() => Newer);
        clock.Advance(VersionRefresher.Interval);
        Assert.Equal(3, await reads.Reader.ReadAsync(timeout.Token));
        Assert.Equal(VersionRefresher.Interval, await clock.Waits.Reader.ReadAsync(timeout.Token));
        Assert.Equal(Newer, source.Current);
        Assert.Null(source.LastError);

        await refresher.StopAsync(timeout.Token);
    }

    [Theory]
    [InlineData("2.3000.1045649367", true)]
    [InlineData(null, false)]
    public async Task R8_a_pinned_version_or_refresh_off_is_never_read_on_a_schedule(string? pinned, bool refresh)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var reads = 0;
        var source = new WaWebVersionSource(WaWebVersion.Default, _ =>
        {
            Interlocked.Increment(ref reads);
            return Task.FromResult(Published);
        });
        var lifetime = new StartedLifetime();
        var settings = new WhatsAppVersionSettings(pinned is null ? null : WaWebVersion.Parse(pinned), refresh, null);
        using var refresher = new VersionRefresher(source, settings, lifetime, new WatchedClock(), NullLogger<VersionRefresher>.Instance);

        await refresher.StartAsync(timeout.Token);
        lifetime.Start();
        await refresher.StartRefreshed.WaitAsync(timeout.Token);
        await refresher.StopAsync(timeout.Token);
        Assert.Equal(0, reads);
    }

    private sealed class StartedLifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _started = new();

        public CancellationToken ApplicationStarted => _started.Token;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Start() => _started.Cancel();

        public void StopApplication()
        {
        }
    }
}
