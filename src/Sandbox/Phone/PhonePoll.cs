using WaEngine.Proto;

namespace WaEngine.Sandbox.Phone;

/// <summary>A poll a virtual phone can vote on.</summary>
/// <param name="Message">The poll message, with its <c>messageContextInfo.messageSecret</c>.</param>
/// <param name="CreatorJid">The poll's creator, a bare JID.</param>
/// <param name="ChatJid">The poll's chat as the phone sees it.</param>
/// <param name="FromMe">True when the phone created the poll.</param>
public sealed record PhonePoll(Message Message, string CreatorJid, string ChatJid, bool FromMe);
