using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Session;

/// <summary>
/// What a stanza handler is given: the line's id, its credentials and connection state as they are at that moment on
/// the actor's loop, and the line's lifetime. A snapshot: handlers never see the actor itself.
/// </summary>
/// <param name="LineId">The line.</param>
/// <param name="Status">Its status.</param>
/// <param name="Credentials">Its credentials, or null before they are loaded (or after a logout).</param>
/// <param name="Link">Its connection state.</param>
/// <param name="Lifetime">Ends with the actor.</param>
internal sealed record LineContext(LineId LineId, LineStatus Status, DeviceCredentials? Credentials, LineLink Link, CancellationToken Lifetime)
{
    /// <summary>The line is stopped but its owner is about to start it (a restore in progress): sends are queued meanwhile.</summary>
    public bool StartExpected { get; init; }

    /// <summary>The open connection, or null.</summary>
    public LineConnection? Connection => Link.Connection;

    /// <summary>The current generation.</summary>
    public int Generation => Link.Generation;

    /// <summary>True when the connection is open and logged in.</summary>
    public bool LoggedIn => Link is { Connection: not null, LoggedIn: true };

    /// <summary>The paired credentials, or null when the line is not paired.</summary>
    public DeviceCredentials? Paired => Credentials is { IsPaired: true } paired ? paired : null;
}
