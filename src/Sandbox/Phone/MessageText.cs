using WaEngine.Proto;

namespace WaEngine.Sandbox.Phone;

/// <summary>Reads the kind and the human text of a WhatsApp <see cref="Message"/>.</summary>
public static class MessageText
{
    /// <summary>The message with any device-sent or ephemeral wrapper removed.</summary>
    public static Message Unwrap(Message message)
    {
        if (message.DeviceSentMessage?.Message is { } inner)
        {
            return inner;
        }

        return message.EphemeralMessage?.Message ?? message;
    }

    /// <summary>text, reaction, edit, revoke, image, video, audio, document, sticker, protocol or unknown.</summary>
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

    /// <summary>The text or caption a person would read, or null.</summary>
    public static string? BodyOf(Message message)
    {
        if (message.HasConversation)
        {
            return message.Conversation;
        }

        return message.ExtendedTextMessage?.Text
            ?? message.ImageMessage?.Caption
            ?? message.VideoMessage?.Caption
            ?? message.DocumentMessage?.Caption
            ?? message.ReactionMessage?.Text
            ?? (message.ProtocolMessage?.EditedMessage is { } edited ? BodyOf(edited) : null)
            ?? (message.EditedMessage?.Message is { } wrapped ? BodyOf(Unwrap(wrapped)) : null);
    }
}
