using SkiaSharp;
using WaEngine.Api.Conversation.LinkPreviews;
using WaEngine.Api.Media;

namespace WaEngine.Api.Tests.Conversation;

public sealed class LinkPreviewBuilderTests : IAsyncLifetime
{
    private LinkPreviewPages _pages = null!;
    private MediaUrlFetcher _fetcher = null!;

    public async Task InitializeAsync()
    {
        _pages = await LinkPreviewPages.StartAsync();
        _fetcher = new MediaUrlFetcher(new MediaFetchOptions { AllowPrivate = true, Timeout = TimeSpan.FromSeconds(30), MaxRedirects = 3 });
    }

    public async Task DisposeAsync()
    {
        _fetcher.Dispose();
        await _pages.DisposeAsync();
    }

    [Fact]
    public async Task A_page_with_og_tags_gives_title_description_and_a_small_JPEG_thumbnail()
    {
        var text = $"Look at this: {_pages.Url("/article")}.";
        var preview = await new LinkPreviewBuilder(_fetcher).BuildAsync(text, default);
        Assert.True(preview.Attached, preview.Reason);
        var extended = preview.Content.ExtendedTextMessage;
        Assert.Equal(text, extended.Text);
        Assert.Equal(_pages.Url("/article"), extended.MatchedText);
        Assert.Equal("Spring & Summer Sale", extended.Title);
        Assert.Equal("Everything 20% off until Sunday.", extended.Description);
        using var thumbnail = SKBitmap.Decode(extended.JpegThumbnail.ToByteArray());
        Assert.Equal([0xFF, 0xD8], extended.JpegThumbnail.ToByteArray()[..2]);
        Assert.Equal((192, 144), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public async Task A_title_alone_is_enough_and_redirects_within_the_cap_are_followed()
    {
        var titled = await new LinkPreviewBuilder(_fetcher).BuildAsync(_pages.Url("/titled"), default);
        Assert.Equal("Only a title", titled.Content.ExtendedTextMessage.Title);
        Assert.False(titled.Content.ExtendedTextMessage.HasJpegThumbnail);
        Assert.Equal("Spring & Summer Sale", (await new LinkPreviewBuilder(_fetcher).BuildAsync(_pages.Url("/hop/2"), default)).Title);
    }

    [Theory]
    [InlineData("no link here", null, "no http(s) URL")]
    [InlineData("{base}/missing", "{base}/missing", "HTTP 404")]
    [InlineData("{base}/bare", "{base}/bare", "no title or description")]
    [InlineData("{base}/to-metadata", "{base}/to-metadata", "refused")]
    [InlineData("{base}/hop/5", "{base}/hop/5", "redirected more than 3 times")]
    public async Task Without_a_preview_the_text_goes_plain_with_the_reason(string text, string? url, string reason)
    {
        var base_ = _pages.Url("");
        var preview = await new LinkPreviewBuilder(_fetcher).BuildAsync(text.Replace("{base}", base_, StringComparison.Ordinal), default);
        Assert.False(preview.Attached);
        Assert.Equal(text.Replace("{base}", base_, StringComparison.Ordinal), preview.Content.Conversation);
        Assert.Equal(url?.Replace("{base}", base_, StringComparison.Ordinal), preview.Url);
        Assert.Contains(reason, preview.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_that_does_not_decode_leaves_a_preview_without_thumbnail()
    {
        var preview = await new LinkPreviewBuilder(_fetcher).BuildAsync(_pages.Url("/broken-image"), default);
        Assert.True(preview.Attached);
        Assert.Equal("Broken", preview.Content.ExtendedTextMessage.Title);
        Assert.False(preview.Content.ExtendedTextMessage.HasJpegThumbnail);
    }

    [Theory]
    [InlineData("see https://example.com/a?b=1, then", "https://example.com/a?b=1")]
    [InlineData("(https://example.com/x)", "https://example.com/x")]
    [InlineData("https://en.wikipedia.org/wiki/Foo_(bar) !", "https://en.wikipedia.org/wiki/Foo_(bar)")]
    [InlineData("ftp://example.com and http://b.example/", "http://b.example/")]
    [InlineData("nothing", null)]
    public void The_first_http_URL_is_found_without_trailing_punctuation(string text, string? url) =>
        Assert.Equal(url, LinkPreviewBuilder.FirstUrl(text));

    [Fact]
    public void A_thumbnail_refuses_what_is_not_an_image_or_too_many_pixels()
    {
        Assert.Contains("format", PreviewThumbnail.Make(new byte[100]).Problem, StringComparison.Ordinal);
        Assert.NotNull(PreviewThumbnail.Make(LinkPreviewPages.Png()).Jpeg);
        // A PNG header claiming 10000×10000 pixels: refused from its header, before any decoding.
        Assert.Contains("at most", PreviewThumbnail.Make(HugePngHeader()).Problem, StringComparison.Ordinal);
    }

    private static byte[] HugePngHeader()
    {
        var png = LinkPreviewPages.Png();
        // IHDR width and height at bytes 16..23 (big-endian), then its CRC at 29..32: recompute it.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 10_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 10_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc32(png.AsSpan(12, 17)));
        return png;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
