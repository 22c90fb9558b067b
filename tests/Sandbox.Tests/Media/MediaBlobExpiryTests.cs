using WaEngine.Sandbox.Media;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Media;

/// <summary>An expired blob is gone from its direct path, and the phones' copy uploads again under a new one unless it was lost.</summary>
public class MediaBlobExpiryTests
{
    [Fact]
    public async Task An_expired_blob_uploads_again_byte_for_byte_unless_it_was_lost()
    {
        using var folder = new TempFolder();
        var blobs = new MediaBlobStore(folder.Path);
        var blob = System.Security.Cryptography.RandomNumberGenerator.GetBytes(70_000);
        var hash = System.Security.Cryptography.SHA256.HashData(blob);
        var kept = await blobs.SaveAsync("image", blob, CancellationToken.None);
        var lost = await blobs.SaveAsync("image", blob.Reverse().ToArray(), CancellationToken.None);

        Assert.Null(await blobs.ReuploadAsync("image", hash, CancellationToken.None));
        Assert.True(blobs.Expire("https://host" + kept + "?x=1", lost: false));
        Assert.True(blobs.Expire(lost, lost: true));
        Assert.Null(blobs.OpenDirectPath(kept));
        Assert.False(blobs.Expire(kept, lost: false));

        var again = await blobs.ReuploadAsync("image", hash, CancellationToken.None);
        Assert.NotNull(again);
        Assert.NotEqual(kept, again);
        await using (var stream = blobs.OpenDirectPath(again)!)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(blob, copy.ToArray());
        }

        Assert.Null(await blobs.ReuploadAsync("image", System.Security.Cryptography.SHA256.HashData(blob.Reverse().ToArray()), CancellationToken.None));
        Assert.Null(await blobs.ReuploadAsync("image", new byte[5], CancellationToken.None));
    }
}
