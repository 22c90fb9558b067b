namespace WaEngine.Api.Webhooks;

/// <summary>
/// How webhooks are delivered (configuration section <c>Webhooks</c>, e.g. <c>Webhooks__Timeout=00:00:05</c>).
/// Immutable; checked once at start by <see cref="FromConfiguration"/>.
/// </summary>
public sealed record WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Webhooks";

    /// <summary>How long one attempt may take, connecting included, before it counts as failed. Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a delivery is retried after it was queued before it is given up (status failed). Default 25 h.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromHours(25);

    /// <summary>The backoff's first ceiling: the n-th retry waits a random time up to <c>BaseDelay·2^(n-1)</c>. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The backoff's largest ceiling. Default 10 min.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The safety net: how long a line's worker sleeps when nothing wakes it (a journalled event wakes it at once, a
    /// retry when it is due), and how often the dispatcher goes through every line's webhook settings and prunes the
    /// journals of lines without a URL. Default 1 h.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many chats of one line may have a delivery in flight at once (one per chat, always). Default 4.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>How long delivered and failed deliveries are kept for the deliveries endpoint. Default 7 days.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Reads and checks the <c>Webhooks</c> section; throws <see cref="InvalidOperationException"/> saying what is wrong.</summary>
    public static WebhookOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        WebhookOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<WebhookOptions>() ?? new WebhookOptions();
        }
        catch (InvalidOperationException wrong)
        {
            // The binder names the key and the value it could not convert.
            throw new InvalidOperationException($"{Section}: {wrong.Message}", wrong);
        }

        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> naming every setting out of range.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        Check(Timeout > TimeSpan.Zero && Timeout <= TimeSpan.FromMinutes(5), $"{Section}__Timeout is {Timeout}; it must be above 0 and at most 5 minutes.");
        Check(MaxAge > TimeSpan.Zero, $"{Section}__MaxAge is {MaxAge}; it must be above 0.");
        Check(BaseDelay > TimeSpan.Zero, $"{Section}__BaseDelay is {BaseDelay}; it must be above 0.");
        Check(MaxDelay >= BaseDelay, $"{Section}__MaxDelay is {MaxDelay}; it must be at least BaseDelay ({BaseDelay}).");
        Check(PollInterval > TimeSpan.Zero && PollInterval <= TimeSpan.FromDays(1), $"{Section}__PollInterval is {PollInterval}; it must be above 0 and at most 1 day.");
        Check(Parallelism is >= 1 and <= 64, $"{Section}__Parallelism is {Parallelism}; it must be 1 to 64.");
        Check(Retention > TimeSpan.Zero, $"{Section}__Retention is {Retention}; it must be above 0.");
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        void Check(bool holds, string problem)
        {
            if (!holds)
            {
                problems.Add(problem);
            }
        }
    }
}
