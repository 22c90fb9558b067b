namespace WaEngine.Api.Media;

/// <summary>
/// How a media <c>url</c> is fetched (<c>Api:MediaFetch</c>). Only http and https; loopback and private addresses only
/// with <see cref="AllowPrivate"/> (for a file server next to the service); link-local and cloud-metadata addresses
/// never. The address checked is the one actually connected to, on every redirect.
/// </summary>
public sealed record MediaFetchOptions
{
    /// <summary>Allow loopback and private (RFC 1918, ULA, CGNAT) addresses (default false).</summary>
    public bool AllowPrivate { get; init; }

    /// <summary>The whole fetch, redirects and body included, must finish within this (default 60 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Redirects followed at most (default 3).</summary>
    public int MaxRedirects { get; init; } = 3;

    /// <summary>The problems with these settings, each naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        if (Timeout < TimeSpan.FromSeconds(1) || Timeout > TimeSpan.FromMinutes(30))
        {
            yield return $"Api:MediaFetch:Timeout is {Timeout}; it must be between 00:00:01 and 00:30:00.";
        }

        if (MaxRedirects is < 0 or > 10)
        {
            yield return $"Api:MediaFetch:MaxRedirects is {MaxRedirects}; it must be between 0 and 10.";
        }
    }
}
