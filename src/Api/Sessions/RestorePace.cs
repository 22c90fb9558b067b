namespace WaEngine.Api.Sessions;

/// <summary>
/// Spreads a restore out (SERVER-RULES R18: many lines logging in at the same instant from one address look like abuse):
/// at most <see cref="LoginRate.PerSecond"/> line starts per second, each after a gap of 1 to 1.5 times the even
/// spacing (jittered, so lines of several services on one address do not fall into step).
/// </summary>
public sealed class RestorePace
{
    private readonly LoginRate _rate;
    private readonly TimeProvider _time;
    private readonly Func<double> _random;

    /// <summary>Creates a pace of a fixed rate.</summary>
    /// <param name="loginsPerSecond">The most line starts in one second (more than 0).</param>
    /// <param name="time">Time for the gaps.</param>
    /// <param name="random">Jitter source in [0, 1); <see cref="Random.Shared"/> by default.</param>
    public RestorePace(double loginsPerSecond, TimeProvider time, Func<double>? random = null)
        : this(LoginRate.Fixed(loginsPerSecond), time, random)
    {
    }

    /// <summary>Creates a pace that follows <paramref name="rate"/> (automatic or fixed).</summary>
    public RestorePace(LoginRate rate, TimeProvider time, Func<double>? random = null)
    {
        _rate = rate ?? throw new ArgumentNullException(nameof(rate));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The rate the pace follows.</summary>
    public LoginRate Rate => _rate;

    /// <summary>Tells the pace how many lines the service holds (an automatic rate follows).</summary>
    public void Plan(int lines) => _rate.Plan(lines);

    /// <summary>The gap before the next start: 1 to 1.5 times the even spacing.</summary>
    public TimeSpan NextGap() => TimeSpan.FromSeconds((1 + (0.5 * Math.Clamp(_random(), 0, 1))) / _rate.PerSecond);

    /// <summary>Waits out the gap before the next start.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => Task.Delay(NextGap(), _time, cancellationToken);
}
