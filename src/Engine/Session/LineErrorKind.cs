namespace WaEngine.Engine.Session;

/// <summary>Why a <see cref="LineException"/> was thrown.</summary>
public enum LineErrorKind
{
    /// <summary>The connection closed (or was replaced) before the answer came; every pending request gets this.</summary>
    Disconnected,

    /// <summary>The server did not answer in time.</summary>
    Timeout,

    /// <summary>The server answered with <c>&lt;iq type=error&gt;</c>.</summary>
    ServerError,

    /// <summary>The command does not fit the line's current status.</summary>
    WrongState,

    /// <summary>The actor was disposed.</summary>
    ShutDown,
}
