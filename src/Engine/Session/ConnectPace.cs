namespace WaEngine.Engine.Session;

/// <summary>
/// Spaces the connects of every line that shares it (SERVER-RULES R18: many lines logging in at the same instant from
/// one address look like abuse). Each connect reserves the next free slot, at least one gap after the slot before it,
/// the gap being 1 to 1.5 times <c>1 / connectsPerSecond</c> (jittered); a connect whose slot is now goes at once. So a
/// thousand lines dropped together (the server restarted, the network came back) log in again at the pace, not in the
/// burst their equal reconnect backoffs would make; a single line's reconnect waits at most one gap. Thread-safe.
/// </summary>
public sealed class ConnectPace
{
    private readonly Func<double> _connectsPerSecond;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private readonly Lock _gate = new();
    private long _nextSlot;

    /// <summary>Creates the pace.</summary>
    /// <param name="connectsPerSecond">The most connects in one second (more than 0).</param>
    /// <param name="time">Time for the slots and the waits.</param>
    /// <param name="random">Jitter source in [0, 1); <see cref="Random.Shared"/> by default.</param>
    public ConnectPace(double connectsPerSecond, TimeProvider time, Func<double>? random = null)
        : this(() => connectsPerSecond, time, random)
    {
        if (!(connectsPerSecond > 0) || double.IsInfinity(connectsPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(connectsPerSecond), connectsPerSecond, "The connect pace must be a positive number of connects per second.");
        }
    }

    /// <summary>Creates a pace whose rate may change (read at every reservation; one that is not a positive number counts as 1).</summary>
    /// <param name="connectsPerSecond">The most connects in one second now.</param>
    /// <param name="time">Time for the slots and the waits.</param>
    /// <param name="random">Jitter source in [0, 1); <see cref="Random.Shared"/> by default.</param>
    public ConnectPace(Func<double> connectsPerSecond, TimeProvider time, Func<double>? random = null)
    {
        _connectsPerSecond = connectsPerSecond ?? throw new ArgumentNullException(nameof(connectsPerSecond));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Reserves the next slot and returns how long the caller waits for it (zero when it is now).</summary>
    public TimeSpan Reserve()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var rate = _connectsPerSecond();
        var gapTicks = TimeSpan.TicksPerSecond / (rate > 0 && !double.IsInfinity(rate) ? rate : 1);
        var gap = (long)(gapTicks * (1 + (0.5 * Math.Clamp(_random(), 0, 1))));
        lock (_gate)
        {
            var slot = Math.Max(now, _nextSlot);
            _nextSlot = slot + gap;
            return TimeSpan.FromTicks(slot - now);
        }
    }

    /// <summary>Waits for the caller's slot (a cancelled wait gives its slot up unused).</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        var wait = Reserve();
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, _time, cancellationToken);
    }
}
