using WaEngine.Api.Sessions;
using WaEngine.Store.Messages;

namespace WaEngine.Api.State;

/// <summary>
/// Removes expired reply routing states from the open lines' databases every <see cref="Interval"/> (they are ignored
/// as soon as they expire; the sweep only keeps the table small). One timer for the whole service, not one per line.
/// </summary>
public sealed partial class ReplyStateSweep(ILineOwner owner, TimeProvider time, ILogger<ReplyStateSweep> logger) : BackgroundService
{
    /// <summary>How often the sweep runs.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>One pass over the open lines; returns how many states it removed.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var (id, line) in owner.Opened)
        {
            try
            {
                removed += await new ReplyStateStore(line.Database).SweepAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A line closed or deleted mid-sweep (its database gone): nothing to sweep there; the next pass tries again.
                LogSkipped(id.ToString(), ex.Message);
            }
        }

        return removed;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reply state sweep skipped line {LineId}: {Reason}")]
    private partial void LogSkipped(string lineId, string reason);
}
