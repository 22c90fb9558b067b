using System.Security.Cryptography;

namespace WaEngine.Sandbox.Media;

/// <summary>
/// Encrypted media blobs exactly as clients uploaded them, one file each under the data folder,
/// addressed by a direct path like WhatsApp's (<c>/v/sandbox/&lt;type&gt;/&lt;id&gt;</c>).
/// </summary>
public sealed class MediaBlobStore
{
    /// <summary>Largest upload accepted (WhatsApp's documents go to 2 GB; the sandbox keeps tests small).</summary>
    public const long MaxBlobBytes = 128L * 1024 * 1024;

    private readonly string _folder;

    /// <summary>Keeps blobs in <paramref name="folder"/>.</summary>
    public MediaBlobStore(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    /// <summary>Stores a blob and returns its direct path.</summary>
    public async Task<string> SaveAsync(string mediaType, ReadOnlyMemory<byte> blob, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var path = BlobPath(mediaType, id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".part";
        await File.WriteAllBytesAsync(temporary, blob, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path);
        return $"/v/sandbox/{mediaType}/{id}";
    }

    /// <summary>Opens the blob behind a direct path, or returns null if there is none.</summary>
    public FileStream? Open(string mediaType, string id)
    {
        if (!IsSafeName(mediaType) || !IsSafeName(id))
        {
            return null;
        }

        var path = BlobPath(mediaType, id);
        return File.Exists(path) ? File.OpenRead(path) : null;
    }

    /// <summary>Media path types the host accepts (<c>/mms/&lt;type&gt;</c>).</summary>
    public static bool IsKnownType(string mediaType) => mediaType is "image" or "video" or "audio" or "document" or "sticker"
        or "ptt" or "gif" or "md-msg-hist" or "md-app-state" or "thumbnail-link" or "product-catalog-image";

    private string BlobPath(string mediaType, string id) => Path.Combine(_folder, mediaType, id);

    private static bool IsSafeName(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
