using System.Text;
using System.Text.RegularExpressions;
using Google.Protobuf;
using WaEngine.Api.Media;
using WaEngine.Proto;

namespace WaEngine.Api.Conversation.LinkPreviews;

/// <summary>
/// Builds a text's link preview (<c>link_preview: true</c> on POST /api/messages/send): fetches the text's first
/// http(s) URL with the media fetcher (<see cref="MediaUrlFetcher"/>: the same address rules, redirect cap, timeout and
/// size limits as media URLs), reads its title, description and image (og: tags, then &lt;title&gt;), makes a small JPEG
/// thumbnail of the image, and sends an <c>extendedTextMessage</c> with <c>matchedText</c>, <c>title</c>,
/// <c>description</c> and <c>jpegThumbnail</c>. Any failure leaves the text plain, with the reason; it never fails the send.
/// </summary>
public sealed partial class LinkPreviewBuilder(MediaUrlFetcher fetcher)
{
    /// <summary>Largest page fetched (by its Content-Length, or as read).</summary>
    public const long MaxPageBytes = 2 * 1024 * 1024;

    /// <summary>How much of a page is read for its metadata.</summary>
    public const int PageReadBytes = 512 * 1024;

    /// <summary>Largest image fetched for the thumbnail.</summary>
    public const long MaxImageBytes = 5 * 1024 * 1024;

    /// <summary>The reason given for a text without an http(s) URL.</summary>
    public const string NoUrl = "the text has no http(s) URL";

    /// <summary>The text as it goes out: with its preview, or plain with the reason there is none.</summary>
    public async Task<LinkPreview> BuildAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var plain = new Message { Conversation = text };
        var url = FirstUrl(text);
        if (url is null)
        {
            return new LinkPreview(plain, null, null, NoUrl);
        }

        PageMetadata page;
        try
        {
            page = await ReadPageAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (MediaRequestException ex)
        {
            return new LinkPreview(plain, url, null, "the page could not be fetched: " + ex.Problem.Message);
        }

        if (page.Title is null && page.Description is null)
        {
            return new LinkPreview(plain, url, null, "the page has no title or description");
        }

        var extended = new Message.Types.ExtendedTextMessage { Text = text, MatchedText = url };
        if (page.Title is not null)
        {
            extended.Title = page.Title;
        }

        if (page.Description is not null)
        {
            extended.Description = page.Description;
        }

        // The image is a bonus: a preview without a thumbnail is still a preview.
        if (page.Image is not null && await ThumbnailAsync(page.Image, cancellationToken).ConfigureAwait(false) is { } thumbnail)
        {
            extended.JpegThumbnail = ByteString.CopyFrom(thumbnail);
        }

        return new LinkPreview(new Message { ExtendedTextMessage = extended }, url, page.Title, null);
    }

    /// <summary>The first http(s) URL of <paramref name="text"/> (trailing punctuation left out), or null.</summary>
    public static string? FirstUrl(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var match = UrlPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var url = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', '\'', '"');
        if (url.EndsWith(')') && !url.Contains('(', StringComparison.Ordinal))
        {
            url = url.TrimEnd(')');
        }

        return Uri.TryCreate(url, UriKind.Absolute, out _) ? url : null;
    }

    private async Task<PageMetadata> ReadPageAsync(string url, CancellationToken cancellationToken)
    {
        string html = "";
        await fetcher.FetchAsync(url, MaxPageBytes, async (body, _, token) =>
        {
            var buffer = new byte[PageReadBytes];
            var read = 0;
            int n;
            while (read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), token).ConfigureAwait(false)) > 0)
            {
                read += n;
            }

            html = Encoding.UTF8.GetString(buffer, 0, read);
        }, cancellationToken).ConfigureAwait(false);
        return PageMetadata.Parse(html, new Uri(url));
    }

    private async Task<byte[]?> ThumbnailAsync(Uri image, CancellationToken cancellationToken)
    {
        try
        {
            byte[] bytes = [];
            await fetcher.FetchAsync(image.ToString(), MaxImageBytes, async (body, _, token) =>
            {
                using var copy = new MemoryStream();
                await body.CopyToAsync(copy, token).ConfigureAwait(false);
                bytes = copy.ToArray();
            }, cancellationToken).ConfigureAwait(false);
            return PreviewThumbnail.Make(bytes).Jpeg;
        }
        catch (MediaRequestException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex UrlPattern();
}
