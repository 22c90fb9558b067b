using Microsoft.Extensions.Options;

namespace WaEngine.Api.Hosting;

/// <summary>Rejects <see cref="ApiOptions"/> that cannot work, naming every wrong setting with its configuration key.</summary>
public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var limits = options.RateLimit;
        Positive(problems, "Api:RateLimit:SendsPerSecond", limits.SendsPerSecond);
        Positive(problems, "Api:RateLimit:SendBurst", limits.SendBurst);
        Positive(problems, "Api:RateLimit:RequestsPerSecond", limits.RequestsPerSecond);
        Positive(problems, "Api:RateLimit:RequestBurst", limits.RequestBurst);
        if (limits.SendBurst < limits.SendsPerSecond)
        {
            problems.Add($"Api:RateLimit:SendBurst ({limits.SendBurst}) is below SendsPerSecond ({limits.SendsPerSecond}).");
        }

        if (limits.RequestBurst < limits.RequestsPerSecond)
        {
            problems.Add($"Api:RateLimit:RequestBurst ({limits.RequestBurst}) is below RequestsPerSecond ({limits.RequestsPerSecond}).");
        }

        if (options.IdempotencyRetention < TimeSpan.FromMinutes(1) || options.IdempotencyRetention > TimeSpan.FromDays(30))
        {
            problems.Add($"Api:IdempotencyRetention is {options.IdempotencyRetention}; it must be between 00:01:00 and 30.00:00:00.");
        }

        if (options.EventsKeepAlive < TimeSpan.FromSeconds(1) || options.EventsKeepAlive > TimeSpan.FromMinutes(5))
        {
            problems.Add($"Api:EventsKeepAlive is {options.EventsKeepAlive}; it must be between 00:00:01 and 00:05:00.");
        }

        if (options.MaxBodyBytes is < 4096 or > 64 * 1024 * 1024)
        {
            problems.Add($"Api:MaxBodyBytes is {options.MaxBodyBytes}; it must be between 4096 and 67108864.");
        }

        if (options.RestoreLoginsPerSecond is { } perSecond && !(perSecond >= 0.01 && perSecond <= 100))
        {
            problems.Add($"Api:RestoreLoginsPerSecond is {perSecond}; it must be between 0.01 and 100 (or unset: automatic).");
        }

        if (options.RestoreWithin < TimeSpan.FromSeconds(10) || options.RestoreWithin > TimeSpan.FromHours(1))
        {
            problems.Add($"Api:RestoreWithin is {options.RestoreWithin}; it must be between 00:00:10 and 01:00:00.");
        }

        problems.AddRange(options.Media.Problems());
        problems.AddRange(options.MediaFetch.Problems());
        problems.AddRange(options.ContactChecks.Problems());
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Positive(List<string> problems, string key, int value)
    {
        if (value is < 1 or > 100_000)
        {
            problems.Add($"{key} is {value}; it must be between 1 and 100000.");
        }
    }
}
