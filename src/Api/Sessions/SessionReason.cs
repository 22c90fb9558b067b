using WaEngine.Engine.Session;

namespace WaEngine.Api.Sessions;

/// <summary>
/// The <c>reason</c> a session view shows: why the line is where it is when that needs saying — it is reconnecting,
/// connecting again after a connection it gave up (<c>login_unanswered</c>, <c>keepalive_timeout</c>, …), logged out or
/// failed, or stopped by something other than a stop by hand. On the way to connected otherwise, connected, and stopped
/// by hand (or never started) there is nothing to explain, and the reason is null.
/// </summary>
public static class SessionReason
{
    /// <summary>The reason to show for a line in <paramref name="status"/> whose last move had <paramref name="lastReason"/>.</summary>
    public static string? Of(LineStatus status, string lastReason) => status switch
    {
        LineStatus.Reconnecting or LineStatus.LoggedOut or LineStatus.Failed => lastReason,
        LineStatus.Connecting when IsRetryCause(lastReason) => lastReason,
        LineStatus.Stopped when lastReason is not ("stop" or "created") => lastReason,
        _ => null,
    };

    /// <summary>Reasons a line gives up a connection and tries again with backoff (a 515 restart is not trouble).</summary>
    private static bool IsRetryCause(string reason) =>
        reason is "login_unanswered" or "keepalive_timeout" or "ack_timeout" or "connection_lost" or "storage_full"
        || reason.StartsWith("connect_failed", StringComparison.Ordinal) || reason.StartsWith("failure_", StringComparison.Ordinal);

    /// <summary>The <c>until</c> a session view shows next to its reason: the reason's end when the view shows that reason, else null.</summary>
    public static DateTimeOffset? UntilOf(LineStatus status, string lastReason, DateTimeOffset? until) =>
        Of(status, lastReason) is null ? null : until?.ToUniversalTime();
}
