using WaEngine.Engine.Messaging.Kinds;
using WaEngine.Proto;

namespace WaEngine.Engine.Messaging;

/// <summary>Reads a WhatsApp <see cref="Message"/>: its kind, the text a person reads, and the message it points at.</summary>
public static class MessageContent
{
    /// <summary>The message with device-sent, ephemeral, view-once and document-with-caption wrappers removed.</summary>
    public static Message Unwrap(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        for (var depth = 0; depth < 4; depth++)
        {
            var inner = message.DeviceSentMessage?.Message
                ?? message.EphemeralMessage?.Message
                ?? message.ViewOnceMessage?.Message
                ?? message.ViewOnceMessageV2?.Message
                ?? message.DocumentWithCaptionMessage?.Message;
            if (inner is null)
            {
                return message;
            }

            message = inner;
        }

        return message;
    }

    /// <summary>
    /// <c>text</c>, <c>reaction</c>, <c>edit</c>, <c>revoke</c>, <c>image</c>, <c>video</c>, <c>audio</c>, <c>document</c>,
    /// <c>sticker</c>, <c>location</c>, <c>live_location</c>, <c>contact</c>, <c>poll</c>, <c>poll_vote</c>, <c>protocol</c>;
    /// any other kind by its WhatsApp name (<c>eventMessage</c>, …), or <c>unknown</c> when nothing a person sent is in it.
    /// </summary>
    public static string KindOf(Message message) => message switch
    {
        { ReactionMessage: not null } => "reaction",
        { ProtocolMessage.Type: Message.Types.ProtocolMessage.Types.Type.MessageEdit } => "edit",
        { ProtocolMessage.Type: Message.Types.ProtocolMessage.Types.Type.Revoke } => "revoke",
        { EditedMessage: not null } => "edit",
        { ProtocolMessage: not null } => "protocol",
        { ImageMessage: not null } => "image",
        { VideoMessage: not null } => "video",
        { AudioMessage: not null } => "audio",
        { DocumentMessage: not null } => "document",
        { StickerMessage: not null } => "sticker",
        { LocationMessage: not null } => "location",
        { LiveLocationMessage: not null } => "live_location",
        { ContactMessage: not null } or { ContactsArrayMessage: not null } => "contact",
        { PollCreationMessage: not null } or { PollCreationMessageV2: not null } or { PollCreationMessageV3: not null } => "poll",
        { PollUpdateMessage: not null } => "poll_vote",
        { ExtendedTextMessage: not null } or { HasConversation: true } => "text",
        _ => MessageKinds.WhatsAppNameOf(message),
    };

    /// <summary>The text or caption a person reads, the reaction emoji, an edit's new text, a location's name, a contact card's name or a poll's question; null otherwise.</summary>
    public static string? BodyOf(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.HasConversation)
        {
            return message.Conversation;
        }

        return message.ExtendedTextMessage?.Text
            ?? message.ImageMessage?.Caption
            ?? message.VideoMessage?.Caption
            ?? message.DocumentMessage?.Caption
            ?? message.ReactionMessage?.Text
            ?? ConversationBodyOf(message)
            ?? (message.ProtocolMessage?.EditedMessage is { } edited ? BodyOf(Unwrap(edited)) : null)
            ?? (message.EditedMessage?.Message is { } wrapped ? BodyOf(Unwrap(wrapped)) : null);
    }

    /// <summary>The key of the message this one quotes, reacts to, edits or deletes; null when it points at none.</summary>
    public static MessageKey? TargetOf(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.EditedMessage?.Message is { } wrapped)
        {
            return TargetOf(wrapped);
        }

        return message.ReactionMessage?.Key
            ?? message.ProtocolMessage?.Key
            ?? message.PollUpdateMessage?.PollCreationMessageKey
            ?? (ContextOf(message) is { StanzaId.Length: > 0 } context ? new MessageKey { Id = context.StanzaId, Participant = context.Participant } : null);
    }

    /// <summary>The context info (reply, mentions) of the message's main part, or null.</summary>
    public static ContextInfo? ContextOf(Message message) =>
        message.ExtendedTextMessage?.ContextInfo
        ?? message.ImageMessage?.ContextInfo
        ?? message.VideoMessage?.ContextInfo
        ?? message.AudioMessage?.ContextInfo
        ?? message.DocumentMessage?.ContextInfo
        ?? message.StickerMessage?.ContextInfo
        ?? message.LocationMessage?.ContextInfo
        ?? message.LiveLocationMessage?.ContextInfo
        ?? message.ContactMessage?.ContextInfo
        ?? message.ContactsArrayMessage?.ContextInfo
        ?? PollOf(message)?.ContextInfo;

    /// <summary>The poll a poll message creates (any of its three versions), or null.</summary>
    public static Message.Types.PollCreationMessage? PollOf(Message message) =>
        message.PollCreationMessage ?? message.PollCreationMessageV2 ?? message.PollCreationMessageV3;

    /// <summary>The stanza's <c>type</c> attribute for sending: <c>reaction</c>, <c>poll</c>, <c>media</c> or <c>text</c>.</summary>
    public static string StanzaTypeOf(Message message) => KindOf(message) switch
    {
        "reaction" => "reaction",
        "poll" or "poll_vote" => "poll",
        "image" or "video" or "audio" or "document" or "sticker" or "contact" or "live_location" => "media",
        _ => "text",
    };

    /// <summary>The stanza's <c>&lt;meta polltype="creation"/&gt;</c> for a poll (both references send it), else null.</summary>
    public static string? PollTypeOf(Message message) => KindOf(message) switch
    {
        "poll" => "creation",
        "poll_vote" => "vote",
        _ => null,
    };

    /// <summary>The stanza's <c>edit</c> attribute: <c>1</c> for an edit, <c>7</c> for a revoke of our own message, else null.</summary>
    public static string? EditAttributeOf(Message message) => KindOf(message) switch
    {
        "edit" => "1",
        "revoke" => "7",
        _ => null,
    };

    private static string? ConversationBodyOf(Message message) =>
        NonEmpty(message.LocationMessage?.Name)
        ?? NonEmpty(message.LocationMessage?.Address)
        ?? NonEmpty(message.LiveLocationMessage?.Caption)
        ?? NonEmpty(message.ContactMessage?.DisplayName)
        ?? NonEmpty(message.ContactsArrayMessage?.DisplayName)
        ?? NonEmpty(PollOf(message)?.Name);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
