namespace WaEngine.Engine.Messaging;

/// <summary>
/// An inbound message a read receipt is for, and where that receipt goes: <paramref name="To"/> is the address the
/// message came from (a contact's LID or phone number as received; the group for a group message), and
/// <paramref name="Participant"/> its sender inside a group (null in 1:1 chats).
/// </summary>
/// <param name="MsgId">The message id.</param>
/// <param name="To">The receipt's <c>to</c>.</param>
/// <param name="Participant">The receipt's <c>participant</c>, for group messages.</param>
public sealed record ReadTarget(string MsgId, string To, string? Participant);
