namespace WaEngine.Engine.Session;

/// <summary>
/// How long a line waits before reconnecting: exponential backoff with "equal jitter" (half fixed, half random),
/// so a thousand lines dropped together spread out instead of stampeding the server. Immutable.
/// </summary>
/// <param name="InitialDelay">Delay before the first retry (default 1 s).</param>
/// <param name="MaxDelay">Ceiling of the backoff (default 2 min).</param>
/// <param name="Multiplier">Growth per failed attempt (default 2).</param>
public sealed record ReconnectPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, double Multiplier = 2.0)
{
    /// <summary>1 s doubling up to 2 minutes.</summary>
    public static ReconnectPolicy Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));

    /// <summary>Checks the values and says what is wrong.</summary>
    public void Validate()
    {
        if (InitialDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException($"InitialDelay must be positive (was {InitialDelay}).", nameof(InitialDelay));
        }

        if (MaxDelay < InitialDelay)
        {
            throw new ArgumentException($"MaxDelay ({MaxDelay}) must not be below InitialDelay ({InitialDelay}).", nameof(MaxDelay));
        }

        if (Multiplier < 1.0)
        {
            throw new ArgumentException($"Multiplier must be at least 1 (was {Multiplier}).", nameof(Multiplier));
        }
    }

    /// <summary>
    /// The wait before attempt number <paramref name="attempt"/> (0 = first retry after a drop):
    /// a ceiling of <c>min(MaxDelay, InitialDelay · Multiplier^attempt)</c>, of which the first half is fixed and the
    /// second half scaled by <paramref name="random"/> in [0, 1).
    /// </summary>
    public TimeSpan DelayFor(int attempt, double random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        if (random is < 0.0 or >= 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(random), random, "The random factor must be in [0, 1).");
        }

        var ceilingTicks = Math.Min(MaxDelay.Ticks, InitialDelay.Ticks * Math.Pow(Multiplier, Math.Min(attempt, 62)));
        var half = ceilingTicks / 2.0;
        return TimeSpan.FromTicks((long)(half + half * random));
    }
}
