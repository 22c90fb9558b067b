namespace WaEngine.Engine.Session;

/// <summary>An honest snapshot of one line's connection, for the API.</summary>
/// <param name="Status">The current status.</param>
/// <param name="SocketConnected">A websocket with a finished Noise handshake is open.</param>
/// <param name="LoggedIn">The server sent <c>&lt;success&gt;</c> on the current connection.</param>
/// <param name="LastFrameReceived">When the last frame of any kind arrived, or null.</param>
/// <param name="LastKeepaliveAnswered">When the server last answered a keepalive ping, or null.</param>
/// <param name="ReconnectCount">Reconnect attempts since the actor was made.</param>
public sealed record LineHealth(
    LineStatus Status,
    bool SocketConnected,
    bool LoggedIn,
    DateTimeOffset? LastFrameReceived,
    DateTimeOffset? LastKeepaliveAnswered,
    int ReconnectCount);
