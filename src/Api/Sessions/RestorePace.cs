namespace WaEngine.Api.Sessions;

/// <summary>
/// Spreads a restore out (SERVER-RULES R18: many lines logging in at the same instant from one address look like abuse):
/// at most <c>loginsPerSecond</c> line starts per second, each after a gap of 1 to 1.5 times <c>1 / loginsPerSecond</c>
/// (jittered, so lines of several services on one address do not fall into step).
/// </summary>
public sealed class RestorePace
{
    private readonly double _loginsPerSecond;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;

    /// <summary>Creates the pace.</summary>
    /// <param name="loginsPerSecond">The most line starts in one second (more than 0).</param>
    /// <param name="time">Time for the gaps.</param>
    /// <param name="random">Jitter source in [0, 1); <see cref="Random.Shared"/> by default.</param>
    public RestorePace(double loginsPerSecond, TimeProvider time, Func<double>? random = null)
    {
        if (!(loginsPerSecond > 0) || double.IsInfinity(loginsPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(loginsPerSecond), loginsPerSecond, "The restore pace must be a positive number of logins per second.");
        }

        _loginsPerSecond = loginsPerSecond;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The gap before the next start: 1 to 1.5 times the even spacing.</summary>
    public TimeSpan NextGap() => TimeSpan.FromSeconds((1 + (0.5 * Math.Clamp(_random(), 0, 1))) / _loginsPerSecond);

    /// <summary>Waits out the gap before the next start.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => Task.Delay(NextGap(), _time, cancellationToken);
}
