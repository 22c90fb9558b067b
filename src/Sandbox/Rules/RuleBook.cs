using System.Collections.Concurrent;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// Where the sandbox's protocol parts report a client breaking a <see cref="ServerRule"/>: each breach is logged with the
/// rule id and counted (the control API's <c>GET rules</c> shows the counts), and the answer says whether to refuse the
/// way WhatsApp does. A strict sandbox (the default) refuses; a lenient one (<c>--lenient</c>, <c>Sandbox__Strict=false</c>,
/// for demos) only logs and counts. Thread-safe.
/// </summary>
public sealed partial class RuleBook(bool strict, ILogger<RuleBook> logger)
{
    private readonly ConcurrentDictionary<ServerRule, long> _breaches = new();
    private NackRule? _nacks;

    /// <summary>The nacks clients sent: well-shaped ones tallied by code, others counted as R7.</summary>
    public NackRule Nacks => LazyInitializer.EnsureInitialized(ref _nacks, () => new NackRule(this));

    /// <summary>Whether breaches are refused (strict) or only logged and counted (lenient).</summary>
    public bool Strict => strict;

    /// <summary>
    /// Records that <paramref name="client"/> broke <paramref name="rule"/> (<paramref name="detail"/> says how, for the
    /// log) and returns true when the caller must refuse it as WhatsApp would.
    /// </summary>
    public bool Breach(ServerRule rule, string client, string detail)
    {
        _breaches.AddOrUpdate(rule, 1, (_, count) => count + 1);
        if (strict)
        {
            LogRefused(rule, client, detail);
        }
        else
        {
            LogTolerated(rule, client, detail);
        }

        return strict;
    }

    /// <summary>
    /// Records a breach of a rule the real server only notices (it is counted and logged, never refused: for example
    /// active delivery receipts before presence, R13).
    /// </summary>
    public void Notice(ServerRule rule, string client, string detail)
    {
        _breaches.AddOrUpdate(rule, 1, (_, count) => count + 1);
        LogNoticed(rule, client, detail);
    }

    /// <summary>How many times each rule was broken since the sandbox started (every rule listed, zeros included).</summary>
    public IReadOnlyDictionary<string, long> Breaches() =>
        Enum.GetValues<ServerRule>().ToDictionary(rule => rule.ToString(), rule => _breaches.GetValueOrDefault(rule));

    /// <summary>How many times <paramref name="rule"/> was broken since the sandbox started.</summary>
    public long BreachCount(ServerRule rule) => _breaches.GetValueOrDefault(rule);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox rule {Rule}: refused {Client}: {Detail}")]
    private partial void LogRefused(ServerRule rule, string client, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox rule {Rule}: {Client} broke it (lenient sandbox, let through): {Detail}")]
    private partial void LogTolerated(ServerRule rule, string client, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox rule {Rule}: {Client} broke it (counted): {Detail}")]
    private partial void LogNoticed(ServerRule rule, string client, string detail);
}
