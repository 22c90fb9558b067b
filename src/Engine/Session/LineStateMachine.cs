namespace WaEngine.Engine.Session;

/// <summary>
/// The one place a line's status changes. Every move is checked against the table below and reported as a
/// <see cref="LineStatusChange"/>. Not thread-safe by design: only the line's actor loop calls it.
/// </summary>
public sealed class LineStateMachine(TimeProvider time, LineStatus initial = LineStatus.Stopped)
{
    private static readonly Dictionary<LineStatus, LineStatus[]> Allowed = new()
    {
        [LineStatus.Stopped] = [LineStatus.Starting],
        [LineStatus.Starting] = [LineStatus.ScanQr, LineStatus.PairingCode, LineStatus.Connecting, LineStatus.Reconnecting, LineStatus.Failed, LineStatus.Stopped],
        [LineStatus.ScanQr] = [LineStatus.PairingCode, LineStatus.Connecting, LineStatus.Reconnecting, LineStatus.Failed, LineStatus.Stopped],
        [LineStatus.PairingCode] = [LineStatus.ScanQr, LineStatus.Connecting, LineStatus.Reconnecting, LineStatus.Failed, LineStatus.Stopped],
        [LineStatus.Connecting] = [LineStatus.Connected, LineStatus.Reconnecting, LineStatus.LoggedOut, LineStatus.Failed, LineStatus.Stopped],
        [LineStatus.Connected] = [LineStatus.Reconnecting, LineStatus.Connecting, LineStatus.LoggedOut, LineStatus.Failed, LineStatus.Stopped],
        [LineStatus.Reconnecting] = [LineStatus.Connecting, LineStatus.ScanQr, LineStatus.LoggedOut, LineStatus.Failed, LineStatus.Stopped],
        [LineStatus.LoggedOut] = [LineStatus.Starting, LineStatus.Stopped],
        [LineStatus.Failed] = [LineStatus.Starting, LineStatus.Stopped],
    };

    /// <summary>The status now.</summary>
    public LineStatus Current { get; private set; } = initial;

    /// <summary>When <see cref="Current"/> began.</summary>
    public DateTimeOffset Since { get; private set; } = time.GetUtcNow();

    /// <summary>The reason of the last move.</summary>
    public string LastReason { get; private set; } = "created";

    /// <summary>Whether the table allows moving from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanMove(LineStatus from, LineStatus to) => Allowed[from].Contains(to);

    /// <summary>Until when the last move's reason holds (a temporary ban's end), or null.</summary>
    public DateTimeOffset? LastUntil { get; private set; }

    /// <summary>
    /// Moves to <paramref name="next"/> (with <paramref name="until"/> when the reason has an end); throws
    /// <see cref="InvalidTransitionException"/> if the table forbids it.
    /// </summary>
    public LineStatusChange TransitionTo(LineStatus next, string reason, DateTimeOffset? until = null)
    {
        if (!CanMove(Current, next))
        {
            throw new InvalidTransitionException(Current, next, reason);
        }

        var change = new LineStatusChange(Current, next, reason, time.GetUtcNow(), until);
        Current = next;
        Since = change.At;
        LastReason = reason;
        LastUntil = until;
        return change;
    }
}
