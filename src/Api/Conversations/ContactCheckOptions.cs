namespace WaEngine.Api.Conversations;

/// <summary>
/// The per-line budget of <c>POST /api/contacts/check</c> (<c>Api:ContactChecks</c>): numbers, not calls, since checking
/// many numbers is what WhatsApp bans accounts for. A token bucket per line: <see cref="Burst"/> numbers at once, refilled
/// at <see cref="NumbersPerHour"/>; over it, 429 with <c>Retry-After</c>.
/// </summary>
public sealed record ContactCheckOptions
{
    /// <summary>Numbers one line may check per hour once its burst is spent (default 300).</summary>
    public int NumbersPerHour { get; init; } = 300;

    /// <summary>Numbers one line may check at once (default 100; at least 50, one full call).</summary>
    public int Burst { get; init; } = 100;

    /// <summary>What is wrong with these settings, each naming its key.</summary>
    public IEnumerable<string> Problems()
    {
        if (NumbersPerHour is < 1 or > 1_000_000)
        {
            yield return $"Api:ContactChecks:NumbersPerHour is {NumbersPerHour}; it must be between 1 and 1000000.";
        }

        if (Burst is < 50 or > 1_000_000)
        {
            yield return $"Api:ContactChecks:Burst is {Burst}; it must be between 50 (one full check) and 1000000.";
        }
    }
}
