namespace WaEngine.Engine.Messaging;

/// <summary>
/// A contact's presence or chat state as the server told the line: <paramref name="State"/> is <c>available</c>,
/// <c>unavailable</c>, <c>composing</c>, <c>recording</c> or <c>paused</c>.
/// </summary>
/// <param name="Jid">The contact (bare JID as the server sent it), or the group for a chat state in a group.</param>
/// <param name="Participant">Who types in a group, else null.</param>
/// <param name="State">The state.</param>
/// <param name="LastSeen">For <c>unavailable</c>, when the contact was last seen, if it shares that.</param>
/// <param name="At">When the line heard it.</param>
public sealed record PresenceUpdate(string Jid, string? Participant, string State, DateTimeOffset? LastSeen, DateTimeOffset At);
