namespace WaEngine.Api.Sessions;

/// <summary>
/// The logins per second of the service's lines (SERVER-RULES R18: many lines logging in at the same instant from one
/// address look like abuse, so a restore, and the reconnects after a server's restart, are spread out with jitter).
/// Either the operator's fixed rate (<c>Api__RestoreLoginsPerSecond</c>), or, by default, a rate that follows how many
/// lines the service holds: slow for a few lines, and fast enough that all of them log in again within
/// <c>Api__RestoreWithin</c> (4 minutes by default), so 10,000 lines are back within 5 minutes of a restart.
/// Thread-safe.
/// </summary>
public sealed class LoginRate
{
    /// <summary>The automatic rate's floor: a few lines log in no faster than this (gaps of 0.5 to 0.75 s).</summary>
    public const double Floor = 2;

    /// <summary>The highest rate, automatic or set.</summary>
    public const double Ceiling = 100;

    // The paces jitter every gap to 1–1.5 times the even spacing: on average 1.25 times.
    private const double MeanGap = 1.25;

    private readonly double? _fixed;
    private readonly TimeSpan _within;
    private double _perSecond;

    private LoginRate(double? fixedPerSecond, TimeSpan within)
    {
        _fixed = fixedPerSecond;
        _within = within;
        _perSecond = fixedPerSecond ?? Floor;
    }

    /// <summary>A rate that stays <paramref name="perSecond"/> whatever the number of lines.</summary>
    public static LoginRate Fixed(double perSecond)
    {
        if (!(perSecond > 0) || double.IsInfinity(perSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(perSecond), perSecond, "The login rate must be a positive number of logins per second.");
        }

        return new LoginRate(perSecond, TimeSpan.Zero);
    }

    /// <summary>A rate that brings the lines the service holds back within <paramref name="within"/>.</summary>
    public static LoginRate Automatic(TimeSpan within)
    {
        if (within <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(within), within, "The restore window must be positive.");
        }

        return new LoginRate(null, within);
    }

    /// <summary>Whether the rate follows the number of lines.</summary>
    public bool IsAutomatic => _fixed is null;

    /// <summary>The logins per second now.</summary>
    public double PerSecond => Volatile.Read(ref _perSecond);

    /// <summary>Tells the rate how many lines the service holds (an automatic rate follows; a fixed one stays).</summary>
    public void Plan(int lines)
    {
        if (_fixed is null)
        {
            Volatile.Write(ref _perSecond, For(lines, _within));
        }
    }

    /// <summary>
    /// The automatic rate for <paramref name="lines"/>: their jittered logins (1.25 even gaps apart on average) fit in
    /// <paramref name="within"/>, at least <see cref="Floor"/> and at most <see cref="Ceiling"/> per second. 1,000
    /// lines in 4 minutes: 5.2 per second; 10,000: 52.
    /// </summary>
    public static double For(int lines, TimeSpan within) =>
        Math.Clamp(Math.Max(lines, 0) * MeanGap / within.TotalSeconds, Floor, Ceiling);
}
