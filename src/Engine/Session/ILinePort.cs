using WaEngine.Engine.Binary;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Session;

/// <summary>
/// What the session actor lends the collaborators that run inside its loop: its current state, its connection, and the
/// way back into its mailbox. Only the actor implements it; every member is read or called on the actor's loop, except
/// <see cref="TryPost"/> and <see cref="PostAsync"/>, which flows and timers may call.
/// </summary>
internal interface ILinePort
{
    /// <summary>The line's id.</summary>
    LineId LineId { get; }

    /// <summary>The current status.</summary>
    LineStatus Status { get; }

    /// <summary>The line's credentials, or null before they are loaded.</summary>
    DeviceCredentials? Credentials { get; }

    /// <summary>The current connection, or null.</summary>
    LineConnection? Connection { get; }

    /// <summary>True once the current connection logged in.</summary>
    bool LoggedIn { get; }

    /// <summary>The current connection generation (messages of older ones are stale).</summary>
    int Generation { get; }

    /// <summary>Ends with the actor.</summary>
    CancellationToken Lifetime { get; }

    /// <summary>Posts to the mailbox without waiting (timers); false when it is full or closed.</summary>
    bool TryPost(LineMail message);

    /// <summary>Posts to the mailbox, waiting for room.</summary>
    ValueTask PostAsync(LineMail message, CancellationToken cancellationToken);

    /// <summary>Runs a background step the actor awaits on shutdown; its failures are logged.</summary>
    void Track(string step, Func<Task> flow);

    /// <summary>Writes a node to the current connection, if any.</summary>
    Task SendAsync(Node node);
}
