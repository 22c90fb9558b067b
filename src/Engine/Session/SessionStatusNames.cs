namespace WaEngine.Engine.Session;

/// <summary>The wire names of <see cref="SessionStatus"/> (<c>scan_qr</c>, <c>logged_out</c>, …).</summary>
public static class SessionStatusNames
{
    /// <summary>The contract's name for a status.</summary>
    public static string ToName(this SessionStatus status) => status switch
    {
        SessionStatus.Stopped => "stopped",
        SessionStatus.Starting => "starting",
        SessionStatus.ScanQr => "scan_qr",
        SessionStatus.PairingCode => "pairing_code",
        SessionStatus.Connecting => "connecting",
        SessionStatus.Connected => "connected",
        SessionStatus.Reconnecting => "reconnecting",
        SessionStatus.LoggedOut => "logged_out",
        SessionStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown session status."),
    };

    /// <summary>Parses a contract name; null if it is not one.</summary>
    public static SessionStatus? Parse(string name) => name switch
    {
        "stopped" => SessionStatus.Stopped,
        "starting" => SessionStatus.Starting,
        "scan_qr" => SessionStatus.ScanQr,
        "pairing_code" => SessionStatus.PairingCode,
        "connecting" => SessionStatus.Connecting,
        "connected" => SessionStatus.Connected,
        "reconnecting" => SessionStatus.Reconnecting,
        "logged_out" => SessionStatus.LoggedOut,
        "failed" => SessionStatus.Failed,
        _ => null,
    };
}
