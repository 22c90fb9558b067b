using System.Diagnostics;

namespace WaEngine.Api.Sessions;

/// <summary>
/// Closes every line as soon as the service is told to stop — before the web server stops, since the web server waits
/// for its open requests (in <c>--sandbox</c> mode the lines' own websockets are such requests) until the host's shutdown
/// timeout. Closing keeps each line's wish to run, its send queue and its journal, so the next start restores them.
/// </summary>
public sealed partial class LineShutdown(ILineOwner owner, ILogger<LineShutdown> logger) : IHostedLifecycleService
{
    /// <summary>
    /// How long the whole shutdown may take (the host's shutdown timeout): what is still running then is abandoned,
    /// which loses nothing — every queued message and journal entry is already in the line's database.
    /// </summary>
    public static readonly TimeSpan HostTimeout = TimeSpan.FromSeconds(8);

    /// <inheritdoc />
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var count = owner.Lines.Count;
        var watch = Stopwatch.StartNew();
        LogClosing(count);
        // The owner closes all lines at once; waiting stops at the host's shutdown timeout (cancellationToken).
        var closing = owner.DisposeAsync().AsTask();
        await closing.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (closing.IsCompleted)
        {
            LogClosed(count, (long)watch.Elapsed.TotalMilliseconds);
        }
        else
        {
            // Nothing is lost (queues and journals are in the lines' databases), but it should not happen: say so.
            LogCutOff(count, (long)watch.Elapsed.TotalMilliseconds);
        }
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: closing {Count} lines")]
    private partial void LogClosing(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: {Count} lines closed in {Milliseconds} ms")]
    private partial void LogClosed(int count, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutting down: the shutdown timeout ended after {Milliseconds} ms before all {Count} lines had closed; the rest are abandoned (their queues and journals are already stored)")]
    private partial void LogCutOff(int count, long milliseconds);
}
