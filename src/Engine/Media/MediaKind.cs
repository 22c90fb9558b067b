namespace WaEngine.Engine.Media;

/// <summary>The kinds of media message the engine sends and receives.</summary>
public enum MediaKind
{
    /// <summary>A photo (<c>imageMessage</c>).</summary>
    Image,

    /// <summary>A video (<c>videoMessage</c>).</summary>
    Video,

    /// <summary>Audio or a voice note (<c>audioMessage</c>, <c>ptt</c> for voice notes).</summary>
    Audio,

    /// <summary>A file with a name (<c>documentMessage</c>).</summary>
    Document,

    /// <summary>A WebP sticker (<c>stickerMessage</c>).</summary>
    Sticker,
}
