using System.Buffers;
using WaEngine.Engine.Media;

namespace WaEngine.Api.Media;

/// <summary>
/// A checked media send: the recipient, the kind, where the file comes from — a base64 range of the request body
/// (kept in the one buffer the body was read into, decoded straight into the encryptor) or a URL — and what the
/// message says about it. Returns the body buffer to its pool when disposed.
/// </summary>
public sealed class MediaRequest : IDisposable
{
    private byte[]? _body;

    internal MediaRequest(MediaKind kind, string to, byte[]? body, Range file, string? url, string mimetype)
    {
        Kind = kind;
        To = to;
        _body = body;
        FileRange = file;
        Url = url;
        Mimetype = mimetype;
    }

    /// <summary>The media kind.</summary>
    public MediaKind Kind { get; }

    /// <summary>The normalised chat JID.</summary>
    public string To { get; }

    /// <summary>The URL to fetch the file from, when the file is not in the body.</summary>
    public string? Url { get; }

    /// <summary>The mimetype as given.</summary>
    public string Mimetype { get; }

    /// <summary>The caption (never for stickers and audio).</summary>
    public string? Caption { get; init; }

    /// <summary>The document's file name.</summary>
    public string? FileName { get; init; }

    /// <summary>A voice note.</summary>
    public bool Ptt { get; init; }

    /// <summary>The message replied to.</summary>
    public string? QuotedMsgId { get; init; }

    /// <summary>Where the base64 text lies in the body.</summary>
    internal Range FileRange { get; }

    /// <summary>The base64 text of the file (UTF-8), empty when the file comes from <see cref="Url"/>.</summary>
    public ReadOnlySpan<byte> Base64 => _body is null ? [] : _body.AsSpan()[FileRange];

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _body, null) is { } body)
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}
