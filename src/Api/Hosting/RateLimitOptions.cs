namespace WaEngine.Api.Hosting;

/// <summary>
/// Token buckets per line token (<c>Api:RateLimit</c>). A request over the limit gets 429 <c>rate_limited</c> with
/// <c>Retry-After</c>; nothing waits in a queue.
/// </summary>
public sealed record RateLimitOptions
{
    /// <summary>Sends (POST /api/messages/…) refilled per second for one token (default 20).</summary>
    public int SendsPerSecond { get; init; } = 20;

    /// <summary>Sends one token may make at once before the refill rate applies (default 40).</summary>
    public int SendBurst { get; init; } = 40;

    /// <summary>Other line API requests (reads) refilled per second for one token (default 50).</summary>
    public int RequestsPerSecond { get; init; } = 50;

    /// <summary>Other line API requests one token may make at once (default 100).</summary>
    public int RequestBurst { get; init; } = 100;
}
