namespace WaEngine.Engine.Session;

/// <summary>
/// A step that waits on the network (an iq round trip, a send pass), run off the actor's loop and awaited when the
/// line shuts down. It reports back only by posting to the <see cref="LineMailbox"/> it is handed; its failures of
/// the expected kinds are logged.
/// </summary>
/// <param name="Step">A short name for logs.</param>
/// <param name="Run">The work.</param>
internal sealed record BackgroundWork(string Step, Func<LineMailbox, CancellationToken, Task> Run);
