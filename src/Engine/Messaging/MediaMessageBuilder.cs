using Google.Protobuf;
using WaEngine.Engine.Media;
using WaEngine.Proto;

namespace WaEngine.Engine.Messaging;

/// <summary>
/// Builds the WhatsApp message of an uploaded file, as WhatsApp clients shape each kind: url, direct path, media key
/// and its timestamp, both SHA-256s, the plaintext length, the mimetype, and per kind the caption, file name (and
/// title), dimensions, JPEG thumbnail, duration, <c>ptt</c> and waveform, <c>isAnimated</c>. A reply carries the quoted
/// message in its context info, as a text reply does.
/// </summary>
public static class MediaMessageBuilder
{
    /// <summary>The message for <paramref name="uploaded"/>.</summary>
    /// <param name="kind">The media kind.</param>
    /// <param name="uploaded">Where the blob is and its key and hashes.</param>
    /// <param name="details">Mimetype, caption, file name and what could be read from the file.</param>
    /// <param name="now">The media key's timestamp.</param>
    /// <param name="quoted">The stored message this one replies to, or null.</param>
    /// <param name="ownJid">Our own bare JID (the quoted participant when the quoted message is ours).</param>
    public static Message Build(MediaKind kind, UploadedMedia uploaded, MediaDetails details, DateTimeOffset now, MessageRecord? quoted = null, string? ownJid = null)
    {
        ArgumentNullException.ThrowIfNull(uploaded);
        ArgumentNullException.ThrowIfNull(details);
        var e = uploaded.Encrypted;
        var key = ByteString.CopyFrom(e.MediaKey);
        var fileSha = ByteString.CopyFrom(e.FileSha256);
        var encSha = ByteString.CopyFrom(e.FileEncSha256);
        var length = (ulong)e.FileLength;
        var keyTime = now.ToUnixTimeSeconds();
        var context = quoted is null ? null : ReplyContext(quoted, ownJid);
        var message = new Message();
        switch (kind)
        {
            case MediaKind.Image:
                message.ImageMessage = new Message.Types.ImageMessage
                {
                    Url = uploaded.Url, DirectPath = uploaded.DirectPath, MediaKey = key, MediaKeyTimestamp = keyTime,
                    FileSha256 = fileSha, FileEncSha256 = encSha, FileLength = length, Mimetype = details.Mimetype,
                };
                SetIf(details.Caption, v => message.ImageMessage.Caption = v);
                SetIf(details.Width, v => message.ImageMessage.Width = v);
                SetIf(details.Height, v => message.ImageMessage.Height = v);
                SetIf(details.JpegThumbnail, v => message.ImageMessage.JpegThumbnail = ByteString.CopyFrom(v));
                SetIf(context, v => message.ImageMessage.ContextInfo = v);
                break;
            case MediaKind.Video:
                message.VideoMessage = new Message.Types.VideoMessage
                {
                    Url = uploaded.Url, DirectPath = uploaded.DirectPath, MediaKey = key, MediaKeyTimestamp = keyTime,
                    FileSha256 = fileSha, FileEncSha256 = encSha, FileLength = length, Mimetype = details.Mimetype,
                };
                SetIf(details.Caption, v => message.VideoMessage.Caption = v);
                SetIf(details.Seconds, v => message.VideoMessage.Seconds = v);
                SetIf(details.Width, v => message.VideoMessage.Width = v);
                SetIf(details.Height, v => message.VideoMessage.Height = v);
                SetIf(details.JpegThumbnail, v => message.VideoMessage.JpegThumbnail = ByteString.CopyFrom(v));
                SetIf(context, v => message.VideoMessage.ContextInfo = v);
                break;
            case MediaKind.Audio:
                message.AudioMessage = new Message.Types.AudioMessage
                {
                    Url = uploaded.Url, DirectPath = uploaded.DirectPath, MediaKey = key, MediaKeyTimestamp = keyTime,
                    FileSha256 = fileSha, FileEncSha256 = encSha, FileLength = length, Mimetype = details.Mimetype, Ptt = details.Ptt,
                };
                SetIf(details.Seconds, v => message.AudioMessage.Seconds = v);
                SetIf(details.Waveform, v => message.AudioMessage.Waveform = ByteString.CopyFrom(v));
                SetIf(context, v => message.AudioMessage.ContextInfo = v);
                break;
            case MediaKind.Document:
                message.DocumentMessage = new Message.Types.DocumentMessage
                {
                    Url = uploaded.Url, DirectPath = uploaded.DirectPath, MediaKey = key, MediaKeyTimestamp = keyTime,
                    FileSha256 = fileSha, FileEncSha256 = encSha, FileLength = length, Mimetype = details.Mimetype,
                    FileName = details.FileName ?? "file", Title = details.FileName ?? "file",
                };
                SetIf(details.Caption, v => message.DocumentMessage.Caption = v);
                SetIf(details.JpegThumbnail, v => message.DocumentMessage.JpegThumbnail = ByteString.CopyFrom(v));
                SetIf(context, v => message.DocumentMessage.ContextInfo = v);
                break;
            case MediaKind.Sticker:
                message.StickerMessage = new Message.Types.StickerMessage
                {
                    Url = uploaded.Url, DirectPath = uploaded.DirectPath, MediaKey = key, MediaKeyTimestamp = keyTime,
                    FileSha256 = fileSha, FileEncSha256 = encSha, FileLength = length, Mimetype = details.Mimetype,
                    IsAnimated = details.IsAnimated,
                };
                SetIf(details.Width, v => message.StickerMessage.Width = v);
                SetIf(details.Height, v => message.StickerMessage.Height = v);
                SetIf(context, v => message.StickerMessage.ContextInfo = v);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a media kind");
        }

        return message;
    }

    /// <summary>The media part of <paramref name="message"/> (unwrapped) as its kind and common fields, or null when it has none.</summary>
    public static MediaReference? ReferenceOf(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var m = MessageContent.Unwrap(message);
        return m switch
        {
            { ImageMessage: { } i } => new(MediaKind.Image, i.Url, i.DirectPath, i.MediaKey, i.FileSha256, i.FileEncSha256, i.FileLength, i.Mimetype, null),
            { VideoMessage: { } v } => new(MediaKind.Video, v.Url, v.DirectPath, v.MediaKey, v.FileSha256, v.FileEncSha256, v.FileLength, v.Mimetype, null),
            { AudioMessage: { } a } => new(MediaKind.Audio, a.Url, a.DirectPath, a.MediaKey, a.FileSha256, a.FileEncSha256, a.FileLength, a.Mimetype, null),
            { DocumentMessage: { } d } => new(MediaKind.Document, d.Url, d.DirectPath, d.MediaKey, d.FileSha256, d.FileEncSha256, d.FileLength, d.Mimetype,
                d.HasFileName ? d.FileName : d.HasTitle ? d.Title : null),
            { StickerMessage: { } s } => new(MediaKind.Sticker, s.Url, s.DirectPath, s.MediaKey, s.FileSha256, s.FileEncSha256, s.FileLength, s.Mimetype, null),
            _ => null,
        };
    }

    private static ContextInfo ReplyContext(MessageRecord quoted, string? ownJid) => new()
    {
        StanzaId = quoted.MsgId,
        Participant = quoted.FromMe ? ownJid ?? "" : quoted.SenderJid ?? quoted.ChatJid,
        QuotedMessage = Message.Parser.ParseFrom(quoted.Content),
    };

    private static void SetIf<T>(T? value, Action<T> set)
        where T : class
    {
        if (value is not null)
        {
            set(value);
        }
    }

    private static void SetIf(uint? value, Action<uint> set)
    {
        if (value is { } v)
        {
            set(v);
        }
    }
}
