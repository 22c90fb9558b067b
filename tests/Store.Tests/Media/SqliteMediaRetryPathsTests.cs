using WaEngine.Store.Media;
using WaEngine.Store.Tests.Messages;

namespace WaEngine.Store.Tests.Media;

/// <summary>The direct path a phone gave for re-uploaded media is kept per message, the newest winning.</summary>
public class SqliteMediaRetryPathsTests
{
    [Fact]
    public async Task The_newest_direct_path_of_a_message_is_kept()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var paths = new SqliteMediaRetryPaths(line.Database);
        Assert.Null(await paths.FindAsync("M1", default));

        await paths.SaveAsync("M1", "/v/first", DateTimeOffset.UnixEpoch, default);
        await paths.SaveAsync("M2", "/v/other", DateTimeOffset.UnixEpoch, default);
        await paths.SaveAsync("M1", "/v/second", DateTimeOffset.UnixEpoch.AddDays(1), default);

        Assert.Equal("/v/second", await paths.FindAsync("M1", default));
        Assert.Equal("/v/other", await paths.FindAsync("M2", default));
        Assert.Equal(2, await line.CountAsync("SELECT COUNT(*) FROM media_retry_paths"));
    }
}
