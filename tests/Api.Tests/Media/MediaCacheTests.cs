using System.Security.Cryptography;
using WaEngine.Api.Media;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Media;

/// <summary>
/// The decrypted-media cache of <c>GET /api/media</c> (<c>Api__Media__CacheMaxBytes</c>): within its cap, the least
/// recently used file goes first (a hit makes a file recent again), the file just added stays even alone over the
/// cap (it is being served), and a cap of 0 keeps only that one.
/// </summary>
public class MediaCacheTests
{
    [Fact]
    public void Over_the_cap_the_least_recently_used_files_go_first_and_a_hit_counts_as_use()
    {
        using var folder = new TempFolder();
        var time = new ManualTimeProvider();
        var cache = new MediaCache(Path.Combine(folder.Path, "cache"), capBytes: 3_000, time);
        var (a, b, c, d) = (Key(), Key(), Key(), Key());

        Add(cache, folder, time, a, 1_000);
        Add(cache, folder, time, b, 1_000);
        Add(cache, folder, time, c, 1_000);
        Assert.Equal(3_000, cache.SizeBytes());

        // a is read again: b is now the least recently used, and goes when d comes in.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(cache.TryGet(1, a));
        Add(cache, folder, time, d, 1_000);

        Assert.Equal(3_000, cache.SizeBytes());
        Assert.Null(cache.TryGet(1, b));
        Assert.All(new[] { a, c, d }, key => Assert.NotNull(cache.TryGet(1, key)));

        // The same blob on another line is another file.
        Assert.Null(cache.TryGet(2, a));
    }

    [Fact]
    public void A_file_over_the_cap_stays_alone_and_a_cap_of_zero_keeps_only_the_one_being_served()
    {
        using var folder = new TempFolder();
        var time = new ManualTimeProvider();
        var small = new MediaCache(Path.Combine(folder.Path, "small"), capBytes: 1_500, time);
        var (first, big) = (Key(), Key());
        Add(small, folder, time, first, 1_000);
        var bigPath = Add(small, folder, time, big, 4_000);

        Assert.Equal(4_000, small.SizeBytes());
        Assert.Equal(bigPath, small.TryGet(1, big));
        Assert.Null(small.TryGet(1, first));

        var none = new MediaCache(Path.Combine(folder.Path, "none"), capBytes: 0, time);
        var (one, two) = (Key(), Key());
        Add(none, folder, time, one, 100);
        Add(none, folder, time, two, 100);
        Assert.Null(none.TryGet(1, one));
        Assert.NotNull(none.TryGet(1, two));
    }

    private static byte[] Key() => RandomNumberGenerator.GetBytes(32);

    // A verified download lands in the cache: written beside it first, then moved in.
    private static string Add(MediaCache cache, TempFolder folder, ManualTimeProvider time, byte[] key, int length)
    {
        time.Advance(TimeSpan.FromSeconds(10));
        var download = Path.Combine(folder.Path, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(download, RandomNumberGenerator.GetBytes(length));
        return cache.Add(1, key, download);
    }
}
