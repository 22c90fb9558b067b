using WaEngine.Api.Hosting;

namespace WaEngine.Api.Sessions;

/// <summary>
/// Starts, after the service listens, the lines that were running when it last stopped: once WhatsApp Web's version
/// has been read (so they announce the fresh one), spread out over time by the line owner (R18).
/// </summary>
public static partial class LineRestore
{
    /// <summary>Restores the lines, logging the outcome; never throws.</summary>
    public static async Task RunAsync(LineHost host, VersionRefresher versions, ILogger logger, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(versions);
        try
        {
            await versions.StartRefreshed.WaitAsync(stopping).ConfigureAwait(false);
            var started = await host.RestoreAsync(stopping).ConfigureAwait(false);
            LogRestored(logger, started);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRestoreFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Count} lines that were running")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Restoring the lines that were running failed")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception);
}
