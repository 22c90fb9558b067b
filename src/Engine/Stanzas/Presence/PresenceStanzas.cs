using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;

namespace WaEngine.Engine.Stanzas.Presence;

/// <summary>
/// Presence and chat state both ways (PROTOCOL-MAP §14; W:presence.go, B:chats.js sendPresenceUpdate, presenceSubscribe,
/// handlePresenceUpdate). Neither is acked.
/// </summary>
public static class PresenceStanzas
{
    /// <summary>
    /// Typing in a chat: <c>&lt;chatstate to&gt;&lt;composing/&gt;</c>, <c>&lt;composing media="audio"/&gt;</c> for
    /// recording, or <c>&lt;paused/&gt;</c> (as whatsmeow's SendChatPresence; Baileys adds our own JID as <c>from</c>,
    /// which the server does not need).
    /// </summary>
    public static Node BuildChatState(string toJid, ChatState state)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toJid);
        var child = state switch
        {
            ChatState.Composing => new Node("composing"),
            ChatState.Recording => new Node("composing", NodeAttributes.Of(("media", "audio"))),
            ChatState.Paused => new Node("paused"),
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a chat state."),
        };
        return new Node("chatstate", NodeAttributes.Of(("to", toJid)), [child]);
    }

    /// <summary>
    /// Asks the server for a contact's presence updates: <c>&lt;presence type="subscribe" to&gt;</c>, with our privacy
    /// token for the contact as <c>&lt;tctoken&gt;</c> when we hold one (both references attach it).
    /// </summary>
    public static Node BuildSubscribe(string toJid, string id, byte[]? tcToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toJid);
        var attributes = NodeAttributes.Of(("id", id), ("to", toJid), ("type", "subscribe"));
        return tcToken is { Length: > 0 }
            ? new Node("presence", attributes, [new Node("tctoken", null, tcToken)])
            : new Node("presence", attributes);
    }

    /// <summary>
    /// A contact's <c>&lt;presence from [type="unavailable"] [last]&gt;</c>: no type is available; <c>last</c> is unix
    /// seconds, or <c>deny</c> when the contact does not share it. Null for anything that is not a contact's presence.
    /// </summary>
    /// <exception cref="StanzaException"><c>from</c> is missing or not a JID.</exception>
    public static PresenceUpdate? ParsePresence(Node presence, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(presence);
        var reader = new AttributeReader(presence);
        var sender = reader.Jid("from");
        reader.ThrowIfInvalid();
        var state = presence.Attr("type") switch
        {
            null or "" or "available" => "available",
            "unavailable" => "unavailable",
            _ => null,
        };
        if (state is null)
        {
            return null;
        }

        DateTimeOffset? lastSeen = long.TryParse(presence.Attr("last"), NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last > 0
            ? DateTimeOffset.FromUnixTimeSeconds(last)
            : null;
        return new PresenceUpdate((sender with { Device = null, Agent = null }).ToString(), null, state, lastSeen, at);
    }

    /// <summary>
    /// A <c>&lt;chatstate from [participant]&gt;&lt;composing [media="audio"]/&gt;|&lt;paused/&gt;</c>: composing, recording
    /// or paused. Null for an unknown child.
    /// </summary>
    /// <exception cref="StanzaException"><c>from</c> or <c>participant</c> is not a JID.</exception>
    public static PresenceUpdate? ParseChatState(Node chatState, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(chatState);
        var reader = new AttributeReader(chatState);
        var sender = reader.Jid("from");
        var participant = reader.OptionalJid("participant");
        reader.ThrowIfInvalid();
        var child = chatState.FirstChild();
        var state = child?.Tag switch
        {
            "composing" when child.Attr("media") == "audio" => "recording",
            "composing" => "composing",
            "paused" => "paused",
            _ => null,
        };
        return state is null
            ? null
            : new PresenceUpdate((sender with { Device = null, Agent = null }).ToString(), participant is { } p ? (p with { Device = null, Agent = null }).ToString() : null, state, null, at);
    }
}
