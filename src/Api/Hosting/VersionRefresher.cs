using WaEngine.Engine.Pairing;

namespace WaEngine.Api.Hosting;

/// <summary>
/// Reads WhatsApp Web's version once the service listens and then daily (CONTRACT §1), when the settings ask for it
/// (<see cref="WhatsAppVersionSettings.Scheduled"/>). A read that fails keeps the last known version and says so in the
/// log (<see cref="WaWebVersionSource"/>). <see cref="StartRefreshed"/> completes after the first read, so restored
/// lines announce the fresh version.
/// </summary>
public sealed partial class VersionRefresher(WaWebVersionSource source, WhatsAppVersionSettings settings, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<VersionRefresher> logger) : BackgroundService
{
    /// <summary>How often the version is read again.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    private readonly TaskCompletionSource _startRefreshed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the read at start is done (at once when reads at start are off; also when the service stops first).</summary>
    public Task StartRefreshed => _startRefreshed.Task;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!settings.Scheduled)
            {
                LogOff(source.Current.ToString(), settings.Pinned is null ? "WhatsApp__VersionRefresh=false" : "WhatsApp__Version pins it");
                return;
            }

            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }

            await source.RefreshAsync(stoppingToken).ConfigureAwait(false);
            _startRefreshed.TrySetResult();
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
                await source.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogStopped();
        }
        finally
        {
            _startRefreshed.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lines announce WhatsApp Web version {Version}; it is not read at start or daily ({Why})")]
    private partial void LogOff(string version, string why);

    [LoggerMessage(Level = LogLevel.Debug, Message = "WhatsApp Web version refresh stopped")]
    private partial void LogStopped();
}
