namespace WaEngine.Engine.Session;

/// <summary>The life of a line, as the API reports it (CONTRACT.md §2; lower-case snake in JSON).</summary>
public enum LineStatus
{
    /// <summary>Not running; nothing connected.</summary>
    Stopped,

    /// <summary>Loading credentials and opening the first connection.</summary>
    Starting,

    /// <summary>Not paired: showing QR codes for the phone to scan.</summary>
    ScanQr,

    /// <summary>Not paired: waiting for the user to type the pairing code on the phone.</summary>
    PairingCode,

    /// <summary>Paired: handshaking and logging in.</summary>
    Connecting,

    /// <summary>Logged in and serving.</summary>
    Connected,

    /// <summary>The connection dropped; waiting out the backoff before connecting again.</summary>
    Reconnecting,

    /// <summary>Unlinked by the phone or logged out here: credentials wiped; a new start pairs again.</summary>
    LoggedOut,

    /// <summary>Ended by an error that retrying will not fix (conflict, ban, refused certificate…); the reason says which.</summary>
    Failed,
}
