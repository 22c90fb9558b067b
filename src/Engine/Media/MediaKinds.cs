namespace WaEngine.Engine.Media;

/// <summary>
/// What WhatsApp names each <see cref="MediaKind"/>: the HKDF info string its keys are expanded with, the upload path
/// on the media host (<c>/mms/&lt;type&gt;</c>; stickers go with images), and its name in messages and the API.
/// </summary>
public static class MediaKinds
{
    /// <summary>The HKDF info string (Baileys <c>MEDIA_HKDF_KEY_MAPPING</c>, whatsmeow's media types).</summary>
    public static string HkdfInfo(MediaKind kind) => kind switch
    {
        MediaKind.Image or MediaKind.Sticker => "WhatsApp Image Keys",
        MediaKind.Video => "WhatsApp Video Keys",
        MediaKind.Audio => "WhatsApp Audio Keys",
        MediaKind.Document => "WhatsApp Document Keys",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a media kind"),
    };

    /// <summary>The path segment after <c>/mms/</c> an upload goes to.</summary>
    public static string UploadType(MediaKind kind) => kind switch
    {
        MediaKind.Image or MediaKind.Sticker => "image",
        MediaKind.Video => "video",
        MediaKind.Audio => "audio",
        MediaKind.Document => "document",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a media kind"),
    };

    /// <summary>The lower-case name: <c>image</c>, <c>video</c>, <c>audio</c>, <c>document</c>, <c>sticker</c>.</summary>
    public static string Name(MediaKind kind) => kind switch
    {
        MediaKind.Image => "image",
        MediaKind.Video => "video",
        MediaKind.Audio => "audio",
        MediaKind.Document => "document",
        MediaKind.Sticker => "sticker",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a media kind"),
    };

    /// <summary>The kind named <paramref name="name"/> (as <see cref="Name"/> writes it), or null.</summary>
    public static MediaKind? Parse(string? name) => name switch
    {
        "image" => MediaKind.Image,
        "video" => MediaKind.Video,
        "audio" => MediaKind.Audio,
        "document" => MediaKind.Document,
        "sticker" => MediaKind.Sticker,
        _ => null,
    };
}
