using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Session;

/// <summary>The stores one line's actor works on, and what to dispose when the line is closed.</summary>
/// <param name="Credentials">The line's credentials.</param>
/// <param name="Signal">The line's Signal keys and sessions.</param>
/// <param name="Messages">The line's messages, chats and send queue.</param>
/// <param name="Resources">Disposed after the actor (e.g. the line's database), or null.</param>
public sealed record LineStores(ICredentialStore Credentials, ISignalStore Signal, IMessageStore Messages, IDisposable? Resources = null);
