using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using WaEngine.Api.Hosting;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Conversations;

/// <summary>
/// One token bucket of numbers per line for contact checks (<see cref="ContactCheckOptions"/>): a call takes as many
/// tokens as it checks numbers, all or none.
/// </summary>
public sealed class ContactCheckLimiter(IOptions<ApiOptions> options) : IDisposable
{
    // The limiter's hint counts whole replenishment periods from its last refill, which its timer performs up to a tick late.
    private static readonly TimeSpan RefillSlack = TimeSpan.FromSeconds(0.5);

    private readonly ConcurrentDictionary<LineId, TokenBucketRateLimiter> _lines = new();

    /// <summary>Takes <paramref name="numbers"/> from the line's budget: null when it had them, else how many seconds to wait.</summary>
    public int? TryTake(LineId line, int numbers)
    {
        var limiter = _lines.GetOrAdd(line, _ => Create(options.Value.ContactChecks));
        using var lease = limiter.AttemptAcquire(numbers);
        if (lease.IsAcquired)
        {
            return null;
        }

        var hint = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromHours(1) / options.Value.ContactChecks.NumbersPerHour * numbers;
        return Math.Max(1, (int)Math.Ceiling((hint + RefillSlack).TotalSeconds));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var limiter in _lines.Values)
        {
            limiter.Dispose();
        }
    }

    private static TokenBucketRateLimiter Create(ContactCheckOptions limits) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = limits.Burst,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromHours(1) / limits.NumbersPerHour,
        QueueLimit = 0,
        AutoReplenishment = true,
    });
}
