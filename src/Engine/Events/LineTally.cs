using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using WaEngine.Engine.Messaging;

namespace WaEngine.Engine.Events;

/// <summary>
/// Running totals of what a line published since its actor was made — every event is counted as it is published, so
/// the figures are exact even when a slow subscriber drops events. Read by the service's metrics. Thread-safe.
/// </summary>
public sealed partial class LineTally
{
    private readonly ConcurrentDictionary<string, long> _failed = new(StringComparer.Ordinal);
    private long _received;
    private long _sent;

    /// <summary>Inbound messages stored (and our own, sent from another device).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Outbound messages written to the server.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Outbound messages that failed, by reason: the server's code (<c>463</c>, <c>479</c>…), or <c>encryption</c>, <c>expired</c>, <c>other</c>.</summary>
    public IReadOnlyDictionary<string, long> FailedByReason => _failed;

    /// <summary>Counts <paramref name="published"/>.</summary>
    internal void Count(LineEvent published)
    {
        switch (published)
        {
            case MessageReceived:
                Interlocked.Increment(ref _received);
                break;
            case MessageStatusChanged { Status: MessageStatus.Sent }:
                Interlocked.Increment(ref _sent);
                break;
            case MessageStatusChanged { Status: MessageStatus.Failed } failed:
                _failed.AddOrUpdate(FailureReason(failed.Error), 1, (_, count) => count + 1);
                break;
        }
    }

    /// <summary>A short, bounded label for a failure sentence (metrics labels must not carry free text).</summary>
    public static string FailureReason(string? error)
    {
        if (error is null)
        {
            return "other";
        }

        if (ServerCode().Match(error) is { Success: true } match)
        {
            return match.Groups[1].Value;
        }

        return error.StartsWith("encryption failed", StringComparison.Ordinal) ? "encryption"
            : error.Contains("expired", StringComparison.OrdinalIgnoreCase) ? "expired"
            : "other";
    }

    [GeneratedRegex(@"^server error (\d{3})\b", RegexOptions.CultureInvariant)]
    private static partial Regex ServerCode();
}
