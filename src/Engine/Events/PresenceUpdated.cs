using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;

namespace WaEngine.Engine.Events;

/// <summary>
/// Fires when the server tells the line a contact's presence (online, offline, last seen) or chat state (typing,
/// recording, paused). Those of contacts the line subscribed to are also journalled for the <c>presence.update</c> webhook.
/// </summary>
/// <param name="LineId">The line.</param>
/// <param name="At">When it arrived.</param>
/// <param name="Update">What it said.</param>
/// <param name="Subscribed">Whether the line subscribed to this contact's presence.</param>
public sealed record PresenceUpdated(LineId LineId, DateTimeOffset At, PresenceUpdate Update, bool Subscribed) : LineEvent(LineId, At);
