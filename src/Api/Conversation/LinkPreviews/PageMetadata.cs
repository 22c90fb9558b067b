using System.Net;
using System.Text.RegularExpressions;

namespace WaEngine.Api.Conversation.LinkPreviews;

/// <summary>A page's title, description and image as a link preview shows them (og: tags first, then &lt;title&gt; and the description meta tag).</summary>
/// <param name="Title">The title, or null.</param>
/// <param name="Description">The description, or null.</param>
/// <param name="Image">The image's absolute http(s) URL, or null.</param>
public sealed partial record PageMetadata(string? Title, string? Description, Uri? Image)
{
    /// <summary>Longest title kept (characters).</summary>
    public const int MaxTitleLength = 200;

    /// <summary>Longest description kept (characters).</summary>
    public const int MaxDescriptionLength = 300;

    /// <summary>Reads the metadata of <paramref name="html"/>, resolving a relative image URL against <paramref name="page"/>.</summary>
    public static PageMetadata Parse(string html, Uri page)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(page);
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match tag in MetaTag().Matches(html))
        {
            string? key = null;
            string? content = null;
            foreach (Match attribute in Attribute().Matches(tag.Groups[1].Value))
            {
                var name = attribute.Groups[1].Value;
                var value = attribute.Groups[3].Success ? attribute.Groups[3].Value : attribute.Groups[4].Success ? attribute.Groups[4].Value : attribute.Groups[5].Value;
                if (name.Equals("property", StringComparison.OrdinalIgnoreCase) || name.Equals("name", StringComparison.OrdinalIgnoreCase))
                {
                    key ??= value;
                }
                else if (name.Equals("content", StringComparison.OrdinalIgnoreCase))
                {
                    content = value;
                }
            }

            if (key is not null && content is not null)
            {
                meta.TryAdd(key.Trim(), content);
            }
        }

        var titleTag = TitleTag().Match(html);
        var title = Clean(meta.GetValueOrDefault("og:title") ?? meta.GetValueOrDefault("twitter:title") ?? (titleTag.Success ? titleTag.Groups[1].Value : null), MaxTitleLength);
        var description = Clean(meta.GetValueOrDefault("og:description") ?? meta.GetValueOrDefault("twitter:description") ?? meta.GetValueOrDefault("description"), MaxDescriptionLength);
        Uri? image = null;
        if (Clean(meta.GetValueOrDefault("og:image") ?? meta.GetValueOrDefault("og:image:url") ?? meta.GetValueOrDefault("twitter:image"), 2048) is { } imageText
            && Uri.TryCreate(page, imageText, out var resolved) && resolved.Scheme is "http" or "https")
        {
            image = resolved;
        }

        return new PageMetadata(title, description, image);
    }

    private static string? Clean(string? value, int maxLength)
    {
        if (value is null)
        {
            return null;
        }

        var text = Whitespace().Replace(WebUtility.HtmlDecode(value), " ").Trim();
        if (text.Length == 0)
        {
            return null;
        }

        return text.Length <= maxLength ? text : text[..(maxLength - 1)].TrimEnd() + "…";
    }

    [GeneratedRegex(@"<meta\b([^>]*)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex MetaTag();

    [GeneratedRegex(@"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(""([^""]*)""|'([^']*)'|([^\s""'>]+))", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Attribute();

    [GeneratedRegex(@"<title\b[^>]*>(.*?)</title\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TitleTag();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Whitespace();
}
