using System.Collections.Concurrent;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// Our messages written on the current connection that the server has not acked yet, with when each was written.
/// WhatsApp acks every message stanza (an error code included), so one left unacked for
/// <see cref="Session.LineOptions.ServerAckTimeout"/> on a connection that still answers pings was lost on the way: the
/// line replaces the connection, and the first pass on the new one sends again what was never acked (same id). Read by
/// the keepalive timer's thread as well as the line's loop, hence concurrent.
/// </summary>
internal sealed class UnackedSends(TimeProvider time)
{
    private const int Limit = 8192;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);

    /// <summary>Message <paramref name="msgId"/> was written to the socket now.</summary>
    public void Written(string msgId)
    {
        if (_written.Count >= Limit)
        {
            // Far more in flight than any pass keeps: forget the oldest half rather than grow.
            foreach (var old in _written.OrderBy(e => e.Value).Take(Limit / 2))
            {
                _written.TryRemove(old.Key, out _);
            }
        }

        _written.TryAdd(msgId, time.GetUtcNow());
    }

    /// <summary>The server acked (or refused) <paramref name="msgId"/>.</summary>
    public void Acked(string msgId) => _written.TryRemove(msgId, out _);

    /// <summary>A new connection: what the old one left unacked is sent again by the first pass after login.</summary>
    public void Clear() => _written.Clear();

    /// <summary>The longest a written message has waited for its ack, or null when none waits.</summary>
    public TimeSpan? LongestWait()
    {
        var now = time.GetUtcNow();
        TimeSpan? longest = null;
        foreach (var written in _written.Values)
        {
            var waited = now - written;
            if (longest is null || waited > longest)
            {
                longest = waited;
            }
        }

        return longest;
    }

    /// <summary>Whether a written message has waited longer than <paramref name="limit"/> for its ack.</summary>
    public bool Overdue(TimeSpan limit) => LongestWait() is { } waited && waited > limit;
}
