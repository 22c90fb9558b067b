using System.Text.Json;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;

namespace WaEngine.Api.Media;

/// <summary>
/// The <c>media</c> object of a <c>messages.received</c> delivery for a media message (image, video, audio, document,
/// sticker): its mimetype, size in bytes, file name (documents) and caption, read from the message, so a receiver
/// need not dig through <c>message</c>. The bytes themselves are at <c>mediaPath</c>. Other messages carry no <c>media</c>.
/// </summary>
public static class MediaWebhookFields
{
    /// <summary>Writes <c>media</c> when <paramref name="message"/> is a media message.</summary>
    public static void Write(Utf8JsonWriter writer, Message? message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (message is null || MediaMessageBuilder.ReferenceOf(message) is not { } media)
        {
            return;
        }

        writer.WriteStartObject("media");
        writer.WriteString("mimetype", string.IsNullOrEmpty(media.Mimetype) ? null : media.Mimetype);
        writer.WriteNumber("size", media.FileLength);
        writer.WriteString("fileName", media.FileName);
        writer.WriteString("caption", MessageContent.BodyOf(MessageContent.Unwrap(message)));
        writer.WriteEndObject();
    }
}
