using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WaEngine.Api.Errors;
using WaEngine.Api.Hosting;

namespace WaEngine.Api.RateLimiting;

/// <summary>
/// Per-token rate limits on the line API: a token bucket per line token (partitioned by the token's SHA-256, so the
/// token itself is never kept), one for sends and one for everything else. Over the limit: 429 <c>rate_limited</c> in
/// the contract's shape with <c>Retry-After</c> in seconds. Requests without a token are not limited here (they get 401).
/// </summary>
public static class LineRateLimits
{
    /// <summary>The policy of POST /api/messages/….</summary>
    public const string Sends = "line-sends";

    /// <summary>The policy of the other line API requests.</summary>
    public const string Requests = "line-requests";

    /// <summary>Registers both policies with the limits of <see cref="ApiOptions.RateLimit"/>.</summary>
    public static IServiceCollection AddLineRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiOptions>>((limiter, api) =>
        {
            var limits = api.Value.RateLimit;
            limiter.AddPolicy(Sends, context => Partition(context, limits.SendsPerSecond, limits.SendBurst));
            limiter.AddPolicy(Requests, context => Partition(context, limits.RequestsPerSecond, limits.RequestBurst));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static readonly TimeSpan RefillSlack = TimeSpan.FromSeconds(0.5);

    /// <summary>The partition key of a token: its SHA-256 in hex.</summary>
    public static string PartitionKey(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static RateLimitPartition<string> Partition(HttpContext context, int perSecond, int burst)
    {
        var token = context.Request.Headers["X-API-Token"].ToString();
        if (string.IsNullOrEmpty(token))
        {
            return RateLimitPartition.GetNoLimiter(string.Empty);
        }

        return RateLimitPartition.GetTokenBucketLimiter(PartitionKey(token), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        // The limiter's hint counts whole replenishment periods from the last refill, which its timer performs up to a
        // tick late; half a second on top means a client that waits exactly Retry-After finds a token.
        var hint = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling((hint + RefillSlack).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Sends ? "sends" : "requests";
        await ApiResults.Error(http, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
            $"Too many {what} with this token; try again in {seconds} s.").ExecuteAsync(http).ConfigureAwait(false);
    }
}
