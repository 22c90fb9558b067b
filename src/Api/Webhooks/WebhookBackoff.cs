namespace WaEngine.Api.Webhooks;

/// <summary>Exponential backoff with full jitter: the n-th retry waits a uniformly random time in [0, min(max, base·2^(n-1))).</summary>
public static class WebhookBackoff
{
    /// <summary>The wait before the next attempt after <paramref name="failedAttempts"/> failures.</summary>
    /// <param name="failedAttempts">Failed attempts so far (1 after the first failure).</param>
    /// <param name="baseDelay">The first ceiling.</param>
    /// <param name="maxDelay">The largest ceiling.</param>
    /// <param name="random">A uniform random number in [0, 1).</param>
    public static TimeSpan Delay(int failedAttempts, TimeSpan baseDelay, TimeSpan maxDelay, double random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        if (random is < 0 or >= 1 || double.IsNaN(random))
        {
            throw new ArgumentOutOfRangeException(nameof(random), random, "The random number must be in [0, 1).");
        }

        // 2^30 seconds is decades: past that the ceiling is maxDelay anyway, and the shift cannot overflow.
        var exponent = Math.Min(failedAttempts - 1, 30);
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * (1L << exponent));
        return TimeSpan.FromMilliseconds(ceiling * random);
    }
}
