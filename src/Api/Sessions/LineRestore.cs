namespace WaEngine.Api.Sessions;

/// <summary>Starts, after the service listens, the lines that were running when it last stopped.</summary>
public static partial class LineRestore
{
    /// <summary>Restores the lines, logging the outcome; never throws.</summary>
    public static async Task RunAsync(LineHost host, ILogger logger, CancellationToken stopping)
    {
        try
        {
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
