namespace WaEngine.Engine.Session;

/// <summary>
/// The one place a line's status changes. Every move is checked against the table below and reported as a
/// <see cref="SessionStatusChanged"/>. Not thread-safe by design: only the line's actor loop calls it.
/// </summary>
public sealed class SessionStateMachine(TimeProvider time, SessionStatus initial = SessionStatus.Stopped)
{
    private static readonly Dictionary<SessionStatus, SessionStatus[]> Allowed = new()
    {
        [SessionStatus.Stopped] = [SessionStatus.Starting],
        [SessionStatus.Starting] = [SessionStatus.ScanQr, SessionStatus.PairingCode, SessionStatus.Connecting, SessionStatus.Reconnecting, SessionStatus.Failed, SessionStatus.Stopped],
        [SessionStatus.ScanQr] = [SessionStatus.PairingCode, SessionStatus.Connecting, SessionStatus.Reconnecting, SessionStatus.Failed, SessionStatus.Stopped],
        [SessionStatus.PairingCode] = [SessionStatus.ScanQr, SessionStatus.Connecting, SessionStatus.Reconnecting, SessionStatus.Failed, SessionStatus.Stopped],
        [SessionStatus.Connecting] = [SessionStatus.Connected, SessionStatus.Reconnecting, SessionStatus.LoggedOut, SessionStatus.Failed, SessionStatus.Stopped],
        [SessionStatus.Connected] = [SessionStatus.Reconnecting, SessionStatus.Connecting, SessionStatus.LoggedOut, SessionStatus.Failed, SessionStatus.Stopped],
        [SessionStatus.Reconnecting] = [SessionStatus.Connecting, SessionStatus.ScanQr, SessionStatus.LoggedOut, SessionStatus.Failed, SessionStatus.Stopped],
        [SessionStatus.LoggedOut] = [SessionStatus.Starting, SessionStatus.Stopped],
        [SessionStatus.Failed] = [SessionStatus.Starting, SessionStatus.Stopped],
    };

    /// <summary>The status now.</summary>
    public SessionStatus Current { get; private set; } = initial;

    /// <summary>When <see cref="Current"/> began.</summary>
    public DateTimeOffset Since { get; private set; } = time.GetUtcNow();

    /// <summary>The reason of the last move.</summary>
    public string LastReason { get; private set; } = "created";

    /// <summary>Whether the table allows moving from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanMove(SessionStatus from, SessionStatus to) => Allowed[from].Contains(to);

    /// <summary>Moves to <paramref name="next"/>; throws <see cref="InvalidTransitionException"/> if the table forbids it.</summary>
    public SessionStatusChanged TransitionTo(SessionStatus next, string reason)
    {
        if (!CanMove(Current, next))
        {
            throw new InvalidTransitionException(Current, next, reason);
        }

        var change = new SessionStatusChanged(Current, next, reason, time.GetUtcNow());
        Current = next;
        Since = change.At;
        LastReason = reason;
        return change;
    }
}
