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
    private TaskCompletionSource _room = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many written messages wait for their ack.</summary>
    public int Count => _written.Count;

    /// <summary>
    /// Waits until fewer than <paramref name="limit"/> written messages wait for their ack (an ack, or a new connection,
    /// makes room). The send queue waits here so that a line never runs thousands of messages ahead of the server: a
    /// peer keeps at most 2,000 skipped message keys per chain (libsignal; <c>SignalLimits</c>), and messages sent again
    /// after a lost connection must stay within that of those that went before.
    /// </summary>
    public async Task WaitForRoomAsync(int limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var room = Volatile.Read(ref _room);
            if (_written.Count < limit)
            {
                return;
            }

            await room.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

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
    public void Acked(string msgId)
    {
        if (_written.TryRemove(msgId, out _))
        {
            MakeRoom();
        }
    }

    /// <summary>A new connection: what the old one left unacked is sent again by the first pass after login.</summary>
    public void Clear()
    {
        _written.Clear();
        MakeRoom();
    }

    private void MakeRoom() => Interlocked.Exchange(ref _room, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

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
