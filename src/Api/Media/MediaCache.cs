using System.Security.Cryptography;
using System.Text;

namespace WaEngine.Api.Media;

/// <summary>
/// Decrypted media on disk, one file per blob (named by a hash of the line and the message's <c>fileSha256</c>), kept
/// under a size cap: after each addition the least recently used files (by last access, refreshed on every hit) are
/// deleted until the cache is within <see cref="MediaOptions.CacheMaxBytes"/>. A cap of 0 keeps nothing beyond the
/// answer being served. Only verified plaintext is ever moved in.
/// </summary>
public sealed class MediaCache
{
    private readonly string _folder;
    private readonly long _capBytes;
    private readonly TimeProvider _time;
    private readonly object _trimGate = new();

    /// <summary>Keeps files in <paramref name="folder"/> up to <paramref name="capBytes"/>.</summary>
    public MediaCache(string folder, long capBytes, TimeProvider time)
    {
        _folder = folder;
        _capBytes = capBytes;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        Directory.CreateDirectory(folder);
    }

    /// <summary>The folder (temporary files of downloads go there too, so a finished one is moved, not copied).</summary>
    public string Folder => _folder;

    /// <summary>The cached file for a line's blob, touched as used; null when it is not cached.</summary>
    public string? TryGet(long lineId, ReadOnlySpan<byte> fileSha256)
    {
        var path = PathOf(lineId, fileSha256);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            File.SetLastAccessTimeUtc(path, _time.GetUtcNow().UtcDateTime);
        }
        catch (IOException)
        {
            // Evicted between the check and the touch: a miss.
            return null;
        }

        return path;
    }

    /// <summary>Moves a verified plaintext file in and trims the cache; returns its cached path.</summary>
    public string Add(long lineId, ReadOnlySpan<byte> fileSha256, string verifiedFile)
    {
        var path = PathOf(lineId, fileSha256);
        File.Move(verifiedFile, path, overwrite: true);
        File.SetLastAccessTimeUtc(path, _time.GetUtcNow().UtcDateTime);
        Trim(keep: path);
        return path;
    }

    /// <summary>Total bytes of cached files.</summary>
    public long SizeBytes() => new DirectoryInfo(_folder).EnumerateFiles("*.media").Sum(f => f.Length);

    private void Trim(string keep)
    {
        lock (_trimGate)
        {
            var files = new DirectoryInfo(_folder).EnumerateFiles("*.media").OrderBy(f => f.LastAccessTimeUtc).ToList();
            var total = files.Sum(f => f.Length);
            foreach (var file in files)
            {
                if (total <= _capBytes)
                {
                    break;
                }

                if (file.FullName == keep && total - file.Length > _capBytes)
                {
                    continue;
                }

                if (file.FullName == keep)
                {
                    continue;
                }

                total -= file.Length;
                try
                {
                    file.Delete();
                }
                catch (IOException)
                {
                    // Open for a download right now; it goes on the next trim.
                }
            }
        }
    }

    private string PathOf(long lineId, ReadOnlySpan<byte> fileSha256)
    {
        var name = SHA256.HashData([.. Encoding.ASCII.GetBytes(lineId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":"), .. fileSha256]);
        return Path.Combine(_folder, Convert.ToHexStringLower(name) + ".media");
    }
}
