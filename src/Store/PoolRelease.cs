namespace WaEngine.Store;

/// <summary>
/// Calls a release action once nothing touched its owner for a given time: armed by the first touch after a release,
/// it costs nothing while the owner stays idle (no timer runs then) and one timer callback per idle period while the
/// owner is busy. Thread-safe.
/// </summary>
internal sealed class PoolRelease : IDisposable
{
    private readonly TimeSpan _idle;
    private readonly Action _release;
    private readonly ITimer _timer;
    private readonly TimeProvider _time;
    private long _lastTouch;
    private int _armed;
    private int _disposed;

    public PoolRelease(TimeSpan idle, Action release, TimeProvider? time = null)
    {
        _idle = idle;
        _release = release;
        _time = time ?? TimeProvider.System;
        _timer = _time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The owner is in use now: the release waits until <c>idle</c> after the last touch.</summary>
    public void Touch()
    {
        Volatile.Write(ref _lastTouch, _time.GetUtcNow().UtcTicks);
        if (Interlocked.CompareExchange(ref _armed, 1, 0) == 0 && Volatile.Read(ref _disposed) == 0)
        {
            _timer.Change(_idle, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1);
        _timer.Dispose();
    }

    private TimeSpan Quiet() => TimeSpan.FromTicks(_time.GetUtcNow().UtcTicks - Volatile.Read(ref _lastTouch));

    private void Fire()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        var quiet = Quiet();
        if (quiet < _idle)
        {
            _timer.Change(_idle - quiet, Timeout.InfiniteTimeSpan);
            return;
        }

        Volatile.Write(ref _armed, 0);
        _release();

        // A touch between the check and the disarm found the timer armed and did not re-arm it: arm it for that touch.
        if (Quiet() < _idle && Interlocked.CompareExchange(ref _armed, 1, 0) == 0)
        {
            _timer.Change(_idle, Timeout.InfiniteTimeSpan);
        }
    }
}
