namespace WaEngine.Api.Webhooks;

/// <summary>
/// Which webhook URLs are accepted: absolute http or https URLs with a host, without user info (credentials in a URL
/// would not be sent; use a secret, or a token in the path or query). Hosts on this machine (127.0.0.1, localhost,
/// ::1) are allowed: a receiver such as n8n often runs next to the engine.
/// </summary>
public static class WebhookUrl
{
    /// <summary>Null when <paramref name="url"/> is acceptable, else a sentence saying why not (naming <paramref name="param"/>).</summary>
    public static string? Problem(string url, string param)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Length == 0 || url.Trim() != url || url.Any(char.IsWhiteSpace))
        {
            return $"{param} '{url}' must be a URL without spaces.";
        }

        // On Unix "/hook" parses as an absolute file: URI; it is a relative path here.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || url.StartsWith('/'))
        {
            return $"{param} '{url}' is not an absolute URL; use e.g. http://127.0.0.1:5678/webhook/waengine.";
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            return $"{param} '{url}' uses {uri.Scheme}://; only http:// and https:// are delivered to.";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return $"{param} '{url}' has no host.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"{param} '{url}' carries user info (user:password@), which is not sent; use webhook_secret, or a token in the path or query.";
        }

        return null;
    }

    /// <summary>The part of a URL that may appear in logs: scheme, host and port (no path or query, which may hold a token).</summary>
    public static string ForLog(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetLeftPart(UriPartial.Authority);
    }
}
