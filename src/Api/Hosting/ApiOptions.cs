namespace WaEngine.Api.Hosting;

/// <summary>
/// The API's own settings, section <c>Api</c> of appsettings.json or environment variables such as
/// <c>Api__RateLimit__SendsPerSecond=10</c>; checked at start by <see cref="ApiOptionsValidator"/>.
/// </summary>
public sealed record ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Api";

    /// <summary>Per-token request limits.</summary>
    public RateLimitOptions RateLimit { get; init; } = new();

    /// <summary>How long the first answer to an <c>Idempotency-Key</c> is kept and replayed (default 24 hours, at least 1 minute).</summary>
    public TimeSpan IdempotencyRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How often an idle <c>/events</c> stream sends a comment line so proxies keep it open (default 15 s, 1 s to 5 min).</summary>
    public TimeSpan EventsKeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The largest request body the API reads (default 1 MiB, 4 KiB to 64 MiB); larger ones get 413 before they are read
    /// whole. Media sends have their own, larger limits per kind.
    /// </summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// How many lines a restore at start (and the reconnects after a drop) log in per second at most, jittered
    /// (SERVER-RULES R18: many logins at one instant from one address look like abuse); 0.01 to 100.
    /// <c>Api__RestoreLoginsPerSecond</c>. Unset (the default): automatic, see <see cref="RestoreWithin"/>.
    /// </summary>
    public double? RestoreLoginsPerSecond { get; init; }

    /// <summary>
    /// With no <see cref="RestoreLoginsPerSecond"/>: the window the automatic rate spreads every line's login over —
    /// the number of lines the service holds × 1.25 (the mean jittered gap) ÷ this, at least 2 and at most 100 per
    /// second (1,000 lines: 5.2 per second; 10,000: 52). Default 4 minutes; 10 s to 1 h. <c>Api__RestoreWithin</c>.
    /// </summary>
    public TimeSpan RestoreWithin { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>The login rate these options ask for.</summary>
    public Sessions.LoginRate CreateLoginRate() =>
        RestoreLoginsPerSecond is { } perSecond ? Sessions.LoginRate.Fixed(perSecond) : Sessions.LoginRate.Automatic(RestoreWithin);

    /// <summary>Media limits and the download cache.</summary>
    public Media.MediaOptions Media { get; init; } = new();

    /// <summary>How media URLs are fetched.</summary>
    public Media.MediaFetchOptions MediaFetch { get; init; } = new();

    /// <summary>Per-line budget of contact checks (<c>Api:ContactChecks</c>).</summary>
    public Conversations.ContactCheckOptions ContactChecks { get; init; } = new();
}
