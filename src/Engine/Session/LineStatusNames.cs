namespace WaEngine.Engine.Session;

/// <summary>The wire names of <see cref="LineStatus"/> (<c>scan_qr</c>, <c>logged_out</c>, …).</summary>
public static class LineStatusNames
{
    /// <summary>The contract's name for a status.</summary>
    public static string ToName(this LineStatus status) => status switch
    {
        LineStatus.Stopped => "stopped",
        LineStatus.Starting => "starting",
        LineStatus.ScanQr => "scan_qr",
        LineStatus.PairingCode => "pairing_code",
        LineStatus.Connecting => "connecting",
        LineStatus.Connected => "connected",
        LineStatus.Reconnecting => "reconnecting",
        LineStatus.LoggedOut => "logged_out",
        LineStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown session status."),
    };

    /// <summary>Parses a contract name; null if it is not one.</summary>
    public static LineStatus? Parse(string name) => name switch
    {
        "stopped" => LineStatus.Stopped,
        "starting" => LineStatus.Starting,
        "scan_qr" => LineStatus.ScanQr,
        "pairing_code" => LineStatus.PairingCode,
        "connecting" => LineStatus.Connecting,
        "connected" => LineStatus.Connected,
        "reconnecting" => LineStatus.Reconnecting,
        "logged_out" => LineStatus.LoggedOut,
        "failed" => LineStatus.Failed,
        _ => null,
    };
}
