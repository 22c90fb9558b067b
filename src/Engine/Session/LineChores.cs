using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace WaEngine.Engine.Session;

/// <summary>
/// A line's background work and timers: work runs off the loop and is awaited on shutdown (its expected failures are
/// logged); timers post their mail to the mailbox, one per slot. Called only on the line's loop, except
/// <see cref="WhenAllAsync"/> after the loop ended.
/// </summary>
internal sealed class LineChores(LineId lineId, LineMailbox mailbox, TimeProvider time, ILogger logger, CancellationToken lifetime)
{
    private readonly List<Task> _flows = [];
    private readonly Dictionary<string, ITimer> _timers = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="work"/> in the background.</summary>
    public void Track(BackgroundWork work)
    {
        _flows.RemoveAll(t => t.IsCompleted);
        _flows.Add(RunAsync(work));
    }

    /// <summary>Posts the mail after its delay, replacing the slot's earlier timer.</summary>
    public void Schedule(ScheduledMail scheduled)
    {
        Cancel(scheduled.Slot);
        _timers[scheduled.Slot] = time.CreateTimer(_ => mailbox.TryPost(scheduled.Mail), null, scheduled.Delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts a repeating timer in <paramref name="slot"/> that calls <paramref name="tick"/> on the timer's thread.</summary>
    public void Repeat(string slot, TimeSpan period, Action tick)
    {
        Cancel(slot);
        _timers[slot] = time.CreateTimer(_ => tick(), null, period, period);
    }

    /// <summary>Stops the slot's timer, if any.</summary>
    public void Cancel(string slot)
    {
        if (_timers.Remove(slot, out var timer))
        {
            timer.Dispose();
        }
    }

    /// <summary>Stops every timer.</summary>
    public void CancelAll()
    {
        foreach (var timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
    }

    /// <summary>Waits for every background step (the lifetime is cancelled first).</summary>
    public Task WhenAllAsync() => Task.WhenAll(_flows);

    private async Task RunAsync(BackgroundWork work)
    {
        await Task.Yield();
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["LineId"] = lineId.ToString() });
        try
        {
            await work.Run(mailbox, lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            LineLog.FlowFailed(logger, work.Step, "shut down");
        }
        catch (Exception ex) when (ex is WaEngineException or ChannelClosedException or IOException)
        {
            LineLog.FlowFailed(logger, work.Step, ex.Message);
        }
    }
}
