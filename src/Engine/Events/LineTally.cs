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
    private readonly ConcurrentDictionary<string, long> _decryptFailures = new(StringComparer.Ordinal);
    private long _received;
    private long _sent;
    private long _retryReceiptsSent;
    private long _retryReceiptsReceived;
    private long _decryptRecovered;
    private long _decryptGaveUp;

    /// <summary>Inbound messages stored (and our own, sent from another device).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Outbound messages written to the server.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Outbound messages that failed, by reason: the server's code (<c>463</c>, <c>479</c>…), or <c>encryption</c>, <c>expired</c>, <c>other</c>.</summary>
    public IReadOnlyDictionary<string, long> FailedByReason => _failed;

    /// <summary>Incoming messages that did not decrypt, by kind: <c>no_session</c>, <c>bad_mac</c>, <c>invalid_prekey_id</c>, <c>invalid_message</c>, <c>invalid_signature</c>, <c>too_many_skipped</c>, <c>crypto</c>.</summary>
    public IReadOnlyDictionary<string, long> DecryptFailuresByKind => _decryptFailures;

    /// <summary>Retry receipts this line sent (asking a sender to encrypt a message again).</summary>
    public long RetryReceiptsSent => Interlocked.Read(ref _retryReceiptsSent);

    /// <summary>Retry receipts this line received for its own messages.</summary>
    public long RetryReceiptsReceived => Interlocked.Read(ref _retryReceiptsReceived);

    /// <summary>Messages that failed to decrypt at first and decrypted after a retry.</summary>
    public long DecryptRecovered => Interlocked.Read(ref _decryptRecovered);

    /// <summary>Messages given up on after the last retry (nacked 487; the phone may still resend them as a placeholder answer).</summary>
    public long DecryptGaveUp => Interlocked.Read(ref _decryptGaveUp);

    /// <summary>Counts a message that did not decrypt for <paramref name="kind"/> (a bounded word) and the retry receipt sent for it.</summary>
    internal void DecryptFailed(string kind, bool retrySent)
    {
        _decryptFailures.AddOrUpdate(kind, 1, (_, count) => count + 1);
        if (retrySent)
        {
            Interlocked.Increment(ref _retryReceiptsSent);
        }
        else
        {
            Interlocked.Increment(ref _decryptGaveUp);
        }
    }

    /// <summary>Counts a message that decrypted after one or more retry receipts.</summary>
    internal void DecryptRecoveredAfterRetry() => Interlocked.Increment(ref _decryptRecovered);

    /// <summary>Counts a retry receipt received for one of our messages.</summary>
    internal void RetryReceiptReceived() => Interlocked.Increment(ref _retryReceiptsReceived);

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
