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

    /// <summary><c>text</c>, <c>reaction</c>, <c>edit</c>, <c>revoke</c>, <c>image</c>, <c>video</c>, <c>audio</c>, <c>document</c>, <c>sticker</c>, <c>protocol</c> or <c>unknown</c>.</summary>
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
        { ExtendedTextMessage: not null } or { HasConversation: true } => "text",
        _ => "unknown",
    };

    /// <summary>The text or caption a person reads, the reaction emoji, or an edit's new text; null otherwise.</summary>
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
            ?? (ContextOf(message) is { StanzaId.Length: > 0 } context ? new MessageKey { Id = context.StanzaId, Participant = context.Participant } : null);
    }

    /// <summary>The context info (reply, mentions) of the message's main part, or null.</summary>
    public static ContextInfo? ContextOf(Message message) =>
        message.ExtendedTextMessage?.ContextInfo
        ?? message.ImageMessage?.ContextInfo
        ?? message.VideoMessage?.ContextInfo
        ?? message.AudioMessage?.ContextInfo
        ?? message.DocumentMessage?.ContextInfo
        ?? message.StickerMessage?.ContextInfo;

    /// <summary>The stanza's <c>type</c> attribute for sending: <c>reaction</c>, <c>media</c> or <c>text</c>.</summary>
    public static string StanzaTypeOf(Message message) => KindOf(message) switch
    {
        "reaction" => "reaction",
        "image" or "video" or "audio" or "document" or "sticker" => "media",
        _ => "text",
    };

    /// <summary>The stanza's <c>edit</c> attribute: <c>1</c> for an edit, <c>7</c> for a revoke of our own message, else null.</summary>
    public static string? EditAttributeOf(Message message) => KindOf(message) switch
    {
        "edit" => "1",
        "revoke" => "7",
        _ => null,
    };
}
