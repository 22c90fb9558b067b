namespace WaEngine.Engine.Session;

/// <summary>An honest snapshot of one line's connection, for the API.</summary>
/// <param name="Status">The current status.</param>
/// <param name="Reason">Why the line is in that status (the reason of its last move, e.g. <c>logged_in</c>, <c>device_removed</c>).</param>
/// <param name="StatusSince">When the current status began (for <c>connected</c>: connected since).</param>
/// <param name="SocketConnected">A websocket with a finished Noise handshake is open.</param>
/// <param name="LoggedIn">The server sent <c>&lt;success&gt;</c> on the current connection.</param>
/// <param name="LastFrameReceived">When the last frame of any kind arrived, or null.</param>
/// <param name="LastKeepaliveAnswered">When the server last answered a keepalive ping, or null.</param>
/// <param name="ReconnectCount">Reconnect attempts since the actor was made.</param>
/// <param name="Reconnects24h">Reconnect attempts in the last 24 hours.</param>
/// <param name="FramesReceived">Frames received since the actor was made, over all its connections.</param>
/// <param name="FramesSent">Frames sent since the actor was made, over all its connections.</param>
/// <param name="ReconnectsByReason">Connections given up to be replaced, by reason (<c>connection_lost</c>, <c>keepalive_timeout</c>, <c>stream_error_515</c>…), since the actor was made.</param>
/// <param name="Until">Until when <paramref name="Reason"/> holds (a temporary ban's end), or null.</param>
public sealed record LineHealth(
    LineStatus Status,
    string Reason,
    DateTimeOffset StatusSince,
    bool SocketConnected,
    bool LoggedIn,
    DateTimeOffset? LastFrameReceived,
    DateTimeOffset? LastKeepaliveAnswered,
    int ReconnectCount,
    int Reconnects24h,
    long FramesReceived = 0,
    long FramesSent = 0,
    IReadOnlyDictionary<string, long>? ReconnectsByReason = null,
    DateTimeOffset? Until = null);
