using System.Text;
using WaEngine.Engine.Media;

namespace WaEngine.Api.Media;

/// <summary>
/// Which mimetypes each kind takes (what WhatsApp's apps play or show) and whether a file's first bytes are what its
/// mimetype says (magic numbers). Documents take any mimetype; their bytes are checked when the mimetype is one whose
/// signature is known (PDF, ZIP-based Office files, legacy Office, images, audio, video).
/// </summary>
public static class MediaFileTypes
{
    private static readonly Dictionary<MediaKind, string[]> Allowed = new()
    {
        [MediaKind.Image] = ["image/jpeg", "image/png"],
        [MediaKind.Video] = ["video/mp4", "video/3gpp"],
        [MediaKind.Audio] = ["audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr"],
        [MediaKind.Sticker] = ["image/webp"],
    };

    /// <summary>The mimetype without parameters, lower case (<c>audio/ogg; codecs=opus</c> → <c>audio/ogg</c>).</summary>
    public static string Essence(string mimetype)
    {
        ArgumentNullException.ThrowIfNull(mimetype);
        var semicolon = mimetype.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? mimetype : mimetype[..semicolon]).Trim().ToLowerInvariant();
    }

    /// <summary>True when <paramref name="mimetype"/> looks like <c>type/subtype</c>.</summary>
    public static bool IsWellFormed(string mimetype)
    {
        var essence = Essence(mimetype);
        var slash = essence.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < essence.Length - 1 && essence.IndexOf('/', slash + 1) < 0
            && essence.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-');
    }

    /// <summary>Null when <paramref name="kind"/> takes <paramref name="mimetype"/>, else the sentence saying what it takes.</summary>
    public static string? RefusalFor(MediaKind kind, string mimetype)
    {
        if (!Allowed.TryGetValue(kind, out var allowed) || allowed.Contains(Essence(mimetype)))
        {
            return null;
        }

        return $"A {MediaKinds.Name(kind)} must be {string.Join(" or ", allowed)}, not {Essence(mimetype)}.";
    }

    /// <summary>Null when <paramref name="head"/> (the file's first bytes) fits <paramref name="mimetype"/>, else why not.</summary>
    public static string? MismatchOf(string mimetype, ReadOnlySpan<byte> head)
    {
        var essence = Essence(mimetype);
        var fits = essence switch
        {
            "image/jpeg" => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
            "image/png" => head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            "image/gif" => head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8),
            "image/webp" => IsRiff(head, "WEBP"u8),
            "video/mp4" or "video/3gpp" or "video/quicktime" or "audio/mp4" or "audio/m4a" or "audio/x-m4a" => IsIsoMedia(head),
            "audio/ogg" or "audio/opus" => head.StartsWith("OggS"u8),
            "audio/mpeg" or "audio/mp3" => head.StartsWith("ID3"u8) || IsMpegFrame(head),
            "audio/aac" => IsAdts(head) || IsIsoMedia(head),
            "audio/amr" => head.StartsWith("#!AMR"u8),
            "audio/wav" or "audio/x-wav" => IsRiff(head, "WAVE"u8),
            "application/pdf" => head.StartsWith("%PDF-"u8),
            "application/zip" or "application/epub+zip"
                or "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                or "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                or "application/vnd.openxmlformats-officedocument.presentationml.presentation" => head.StartsWith("PK\x03\x04"u8),
            "application/msword" or "application/vnd.ms-excel" or "application/vnd.ms-powerpoint" => head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
            _ => true,
        };
        return fits ? null : $"The file's first bytes ({Describe(head)}) are not those of {essence}.";
    }

    /// <summary>True for a WebP whose extended header says it is animated.</summary>
    public static bool IsAnimatedWebP(ReadOnlySpan<byte> head) =>
        IsRiff(head, "WEBP"u8) && head.Length > 20 && head[12..16].SequenceEqual("VP8X"u8) && (head[20] & 0x02) != 0;

    private static bool IsRiff(ReadOnlySpan<byte> head, ReadOnlySpan<byte> form) =>
        head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual(form);

    private static bool IsIsoMedia(ReadOnlySpan<byte> head) => head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8);

    private static bool IsMpegFrame(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0;

    private static bool IsAdts(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xF6) == 0xF0;

    private static string Describe(ReadOnlySpan<byte> head)
    {
        var shown = head[..Math.Min(8, head.Length)];
        if (shown.IsEmpty)
        {
            return "none: the file is empty";
        }

        var hex = Convert.ToHexString(shown);
        var text = new StringBuilder();
        foreach (var b in shown)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return $"{hex}, \"{text}\"";
    }
}
