namespace WaEngine.Engine.Messaging;

/// <summary>A contact the line has seen: from a message (its push name), a LID mapping, or a number it checked.</summary>
/// <param name="Jid">The contact's phone-number JID, or its LID when the number is unknown.</param>
/// <param name="Lid">Its LID when known.</param>
/// <param name="Name">The chat's name when the line has one (for 1:1 chats the last push name seen), else null.</param>
/// <param name="PushName">The name the contact set for itself, from its last message, else null.</param>
public sealed record ContactEntry(string Jid, string? Lid, string? Name, string? PushName);
