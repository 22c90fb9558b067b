using System.Security.Cryptography;

namespace WaEngine.Sandbox.Media;

/// <summary>
/// Encrypted media blobs exactly as clients uploaded them, one file each under the data folder,
/// addressed by a direct path like WhatsApp's (<c>/v/sandbox/&lt;type&gt;/&lt;id&gt;</c>). A blob can be expired
/// to play WhatsApp dropping old media, after which downloads answer 404 and companions ask their phone to upload it
/// again (the media retry). An expired blob is kept aside by its SHA-256 (<c>expired/&lt;hex&gt;</c>) as the copy the
/// phones still hold — they downloaded it while it was there — unless it is expired as lost, when the phones no
/// longer have it either.
/// </summary>
public sealed class MediaBlobStore
{
    /// <summary>Largest upload accepted (WhatsApp's documents go to 2 GB; the sandbox keeps tests small).</summary>
    public const long MaxBlobBytes = 128L * 1024 * 1024;

    private const string Prefix = "/v/sandbox/";
    private const string ExpiredFolder = "expired";
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
        using var source = new MemoryStream(blob.ToArray(), writable: false);
        var (directPath, _) = await SaveAsync(mediaType, source, MaxBlobBytes, cancellationToken).ConfigureAwait(false);
        return directPath!;
    }

    /// <summary>
    /// Streams <paramref name="source"/> into a new blob, hashing it on the way; returns its direct path and SHA-256,
    /// or a null path when it is over <paramref name="maxBytes"/> (nothing is kept then).
    /// </summary>
    public async Task<(string? DirectPath, byte[] Sha256)> SaveAsync(string mediaType, Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var path = BlobPath(mediaType, id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".part";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var complete = false;
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                var buffer = new byte[64 * 1024];
                long total = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        return (null, []);
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            File.Move(temporary, path);
            complete = true;
            return ($"{Prefix}{mediaType}/{id}", hash.GetHashAndReset());
        }
        finally
        {
            if (!complete)
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Deletes a stored blob (its direct path or a URL ending in it); false when there is none.</summary>
    public bool Delete(string directPath)
    {
        if (ResolveFile(directPath) is not { } file || !File.Exists(file))
        {
            return false;
        }

        File.Delete(file);
        return true;
    }

    /// <summary>
    /// Expires the blob behind a direct path (or a URL ending in one): downloads answer 404 from now on. Unless
    /// <paramref name="lost"/>, its bytes stay aside for the phones' re-upload (<see cref="ReuploadAsync"/>). False when there is no such blob.
    /// </summary>
    public bool Expire(string directPath, bool lost)
    {
        if (ResolveFile(directPath) is not { } file || !File.Exists(file))
        {
            return false;
        }

        if (lost)
        {
            File.Delete(file);
            return true;
        }

        string hash;
        using (var stream = File.OpenRead(file))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        var kept = Path.Combine(_folder, ExpiredFolder, hash);
        Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
        File.Move(file, kept, overwrite: true);
        return true;
    }

    /// <summary>
    /// A phone uploads an expired blob again from its copy (<paramref name="fileEncSha256"/>: the SHA-256 of the blob as
    /// the message names it); returns the new direct path, or null when no copy is kept.
    /// </summary>
    public async Task<string?> ReuploadAsync(string mediaType, ReadOnlyMemory<byte> fileEncSha256, CancellationToken cancellationToken)
    {
        var kept = Path.Combine(_folder, ExpiredFolder, Convert.ToHexStringLower(fileEncSha256.Span));
        if (fileEncSha256.Length != 32 || !File.Exists(kept))
        {
            return null;
        }

        var source = File.OpenRead(kept);
        await using (source.ConfigureAwait(false))
        {
            var (directPath, _) = await SaveAsync(mediaType, source, MaxBlobBytes, cancellationToken).ConfigureAwait(false);
            return directPath;
        }
    }

    /// <summary>Removes a blob that was stored but turned out to be unwanted (e.g. its upload token did not match).</summary>
    public void Discard(string directPath) => Delete(directPath);

    /// <summary>Opens the blob behind a direct path (or a URL ending in one), or returns null if there is none.</summary>
    public FileStream? OpenDirectPath(string directPath) =>
        ResolveFile(directPath) is { } file && File.Exists(file) ? File.OpenRead(file) : null;

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

    private string? ResolveFile(string directPathOrUrl)
    {
        var at = directPathOrUrl.IndexOf(Prefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = directPathOrUrl[(at + Prefix.Length)..];
        var query = rest.IndexOfAny(['?', '#']);
        var parts = (query < 0 ? rest : rest[..query]).Split('/');
        return parts.Length == 2 && IsSafeName(parts[0]) && IsSafeName(parts[1]) ? BlobPath(parts[0], parts[1]) : null;
    }

    private string BlobPath(string mediaType, string id) => Path.Combine(_folder, mediaType, id);

    private static bool IsSafeName(string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
