using WaEngine.Engine.Pairing;

namespace WaEngine.Engine.Tests.Pairing;

public class WaWebVersionSourceTests
{
    [Theory]
    [InlineData("2.3000.1045649367", true)]
    [InlineData(" 2.3000.1 ", true)]
    [InlineData("2.3000", false)]
    [InlineData("2.3000.x", false)]
    [InlineData("-2.3000.1", false)]
    [InlineData("", false)]
    public void R8_a_version_setting_is_three_whole_numbers(string text, bool valid)
    {
        Assert.Equal(valid, WaWebVersion.TryParse(text, out _));
        if (!valid)
        {
            Assert.Contains("2.3000.1045649367", Assert.Throws<FormatException>(() => WaWebVersion.Parse(text)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void R8_versions_compare_part_by_part()
    {
        Assert.True(new WaWebVersion(2, 3000, 1045649367) > WaWebVersion.Default);
        Assert.True(new WaWebVersion(2, 2999, 2000000000) < new WaWebVersion(2, 3000, 1));
        Assert.True(new WaWebVersion(3, 0, 0) > new WaWebVersion(2, 3000, 2000000000));
        Assert.Equal(0, WaWebVersion.Default.CompareTo(WaWebVersion.Parse("2.3000.1043857760")));
    }

    // The shapes the references read: Baileys' regex /\\?"client_revision\\?":\s*(\d+)/ over web.whatsapp.com/sw.js (the
    // revision inside an escaped JSON string), whatsmeow's "client_revision":(\d+), over the web.whatsapp.com page.
    [Theory]
    [InlineData("self.__swData=JSON.parse(/*BTDS*/\"{\\\"dynamic_data\\\":{\\\"SiteData\\\":{\\\"client_revision\\\":1045649367,\\\"push_phase\\\":\\\"C3\\\"}}}\");", 1045649367u)]
    [InlineData("<script>{\"server_revision\":1045649367,\"client_revision\":1045649367,\"tier\":\"\"}</script>", 1045649367u)]
    [InlineData("\"client_revision\": 42", 42u)]
    public void R8_the_client_revision_is_read_from_either_published_shape(string page, uint revision)
    {
        Assert.True(WaWebVersionFetcher.TryReadRevision(page, out var read));
        Assert.Equal(revision, read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("client_revision=5")]
    [InlineData("\"client_revision\":0")]
    [InlineData("\"client_revision\":99999999999")]
    public void R8_a_page_without_a_usable_client_revision_is_not_read(string page) =>
        Assert.False(WaWebVersionFetcher.TryReadRevision(page, out _));

    [Fact]
    public async Task R8_a_refresh_adopts_a_newer_version_and_never_goes_back()
    {
        var published = new WaWebVersion(2, 3000, 1045649367);
        var source = new WaWebVersionSource(WaWebVersion.Default, _ => Task.FromResult(published));
        var first = await source.RefreshAsync(CancellationToken.None);
        Assert.Equal(published, first.Current);
        Assert.Equal(published, source.Current);

        published = WaWebVersion.Default;
        var second = await source.RefreshAsync(CancellationToken.None);
        Assert.Equal(new WaWebVersion(2, 3000, 1045649367), second.Current);
        Assert.Equal(WaWebVersion.Default, second.Published);
    }

    [Fact]
    public async Task R8_a_refresh_that_fails_keeps_the_last_known_version_and_says_why()
    {
        var source = new WaWebVersionSource(WaWebVersion.Default, _ => throw new WaWebVersionException("https://web.whatsapp.com/sw.js answered 403 Forbidden."));
        var refresh = await source.RefreshAsync(CancellationToken.None);

        Assert.Equal(WaWebVersion.Default, refresh.Current);
        Assert.Null(refresh.Published);
        Assert.Contains("403", refresh.Error, StringComparison.Ordinal);
        Assert.Equal(refresh.Error, source.LastError);
    }

    [Fact]
    public async Task R8_refreshes_that_overlap_share_one_read()
    {
        var reads = 0;
        var gate = new TaskCompletionSource<WaWebVersion>(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new WaWebVersionSource(WaWebVersion.Default, _ =>
        {
            Interlocked.Increment(ref reads);
            return gate.Task;
        });

        var many = Enumerable.Range(0, 20).Select(_ => source.RefreshAsync(CancellationToken.None)).ToList();
        gate.SetResult(new WaWebVersion(2, 3000, 1045649367));
        var answers = await Task.WhenAll(many);

        Assert.Equal(1, reads);
        Assert.All(answers, a => Assert.Equal(new WaWebVersion(2, 3000, 1045649367), a.Current));
    }

    [Fact]
    public async Task R8_a_source_without_a_reader_never_refreshes()
    {
        var source = new WaWebVersionSource(WaWebVersion.Default);
        Assert.False(source.CanRefresh);
        var refresh = await source.RefreshAsync(CancellationToken.None);
        Assert.Equal(WaWebVersion.Default, refresh.Current);
        Assert.NotNull(refresh.Error);
    }
}
