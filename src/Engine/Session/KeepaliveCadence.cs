namespace WaEngine.Engine.Session;

/// <summary>
/// How often a connected line's keepalive timer wakes to send its ping and look for silence. Every wake of every idle
/// line costs a thread-pool dispatch, so at thousands of lines the period is most of the idle CPU: the timer wakes
/// as seldom as the silence rule allows. A connection silent for longer than interval + slack is dead, and it must be
/// noticed inside two intervals: silence becomes certain at interval + slack and is seen at the next wake, so the
/// period may be up to interval − slack; it is also at most half the interval, so a ping goes out every second wake.
/// </summary>
public static class KeepaliveCadence
{
    /// <summary>
    /// The wake period for <paramref name="interval"/> and <paramref name="slack"/>: the smaller of half the interval
    /// and interval − slack (12.5 s for the defaults of 25 s and 10 s). A slack so long that this would be under a
    /// second falls back to half the slack, between a second and the interval.
    /// </summary>
    public static TimeSpan CheckPeriod(TimeSpan interval, TimeSpan slack)
    {
        var period = Math.Min(interval.Ticks / 2, interval.Ticks - slack.Ticks);
        if (period < TimeSpan.TicksPerSecond)
        {
            period = Math.Clamp(slack.Ticks / 2, TimeSpan.TicksPerSecond, Math.Max(interval.Ticks, TimeSpan.TicksPerSecond));
        }

        return TimeSpan.FromTicks(period);
    }
}
