using WaEngine.Engine.Messaging;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// When a queued message fails for waiting too long. The queue's limit (<see cref="Session.LineOptions.OutboundExpiry"/>)
/// is about a line that cannot send; time the send pacer itself put a message off (its <c>scheduled_at</c> after its
/// queueing: gaps, typing, the new-contact cap) does not count against it. So a paced backlog pushed past the limit by
/// the pacer goes out in its turn, and only a message that then still waits the whole limit fails.
/// </summary>
internal static class QueueExpiry
{
    /// <summary>The moment <paramref name="entry"/> expires: its stored expiry, moved on by the pacer's delay.</summary>
    public static DateTimeOffset Of(OutboundEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Message.ScheduledAt is { } due && due > entry.Message.Timestamp
            ? entry.ExpiresAt + (due - entry.Message.Timestamp)
            : entry.ExpiresAt;
    }
}
