using WaEngine.Engine.Messaging;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// Send pacing inside the queue (<see cref="SendPacing"/>): plans when each pending message is due — a send to another
/// chat than the one before waits the minimum gap plus a random share of the jitter after it, and a text the line types
/// first is due that much typing later — and remembers the last write, so that a gap is kept from the moment the
/// message before was really written, whatever the plan said. A message keeps the time it was once scheduled for as
/// its earliest (the plan is stored, so a restart does not send early what waited). A first message to a new contact
/// over the hour's cap is put off to when the window has room, and the chat's later messages with it; put-off messages
/// do not hold back the rest of the queue (<see cref="PacingPlan.Deferred"/>). Used by the send pass only (one at a
/// time), so it needs no lock.
/// </summary>
internal sealed class SendPacer(TimeProvider time, Func<double> random)
{
    private string? _lastChat;
    private DateTimeOffset _lastWrite;

    /// <summary>When each of <paramref name="pending"/> (in queue order) is due under <paramref name="pacing"/>.</summary>
    public PacingPlan Plan(SendPacing pacing, IReadOnlyList<OutboundEntry> pending, FirstContacts? firsts = null)
    {
        var now = time.GetUtcNow();
        var due = new Dictionary<string, DateTimeOffset>(pending.Count, StringComparer.Ordinal);
        var deferred = new HashSet<string>(StringComparer.Ordinal);
        var chatsPutOff = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var sent = firsts is null ? [] : firsts.RecentSends.ToList();
        var chat = _lastChat;
        var at = _lastChat is null ? now : _lastWrite;
        foreach (var entry in pending)
        {
            var message = entry.Message;
            if (chatsPutOff.TryGetValue(message.ChatJid, out var after))
            {
                // Behind a put-off message of its chat: never before it.
                var later = Latest(after, message.ScheduledAt);
                due[message.MsgId] = later;
                chatsPutOff[message.ChatJid] = later;
                deferred.Add(message.MsgId);
                continue;
            }

            var next = chat is not null && chat != message.ChatJid ? at + Gap(pacing) : at;
            next = Latest(next, now) + pacing.TypingBefore(message);
            var planned = next;
            if (pacing.NewContactsPerHour > 0 && firsts is not null && firsts.Openers.Contains(message.MsgId))
            {
                next = FirstSlot(sent, next, pacing.NewContactsPerHour);
                sent.Add(next);
                sent.Sort();
            }

            next = Latest(next, message.ScheduledAt);
            due[message.MsgId] = next;
            if (next > planned)
            {
                // Due later than its turn (the cap, or a time stored before a restart): it waits on its own.
                deferred.Add(message.MsgId);
                chatsPutOff[message.ChatJid] = next;
                continue;
            }

            at = next;
            chat = message.ChatJid;
        }

        return new PacingPlan(due, deferred);
    }

    /// <summary>
    /// When <paramref name="chatJid"/>'s message planned for <paramref name="planned"/> may be written: not before the
    /// plan, nor before the minimum gap after the last write to another chat.
    /// </summary>
    public DateTimeOffset NotBefore(SendPacing pacing, string chatJid, DateTimeOffset planned) =>
        _lastChat is not null && _lastChat != chatJid && _lastWrite + pacing.MinGap > planned ? _lastWrite + pacing.MinGap : planned;

    /// <summary>A message to <paramref name="chatJid"/> was written now.</summary>
    public void Written(string chatJid)
    {
        _lastChat = chatJid;
        _lastWrite = time.GetUtcNow();
    }

    /// <summary>The earliest time from <paramref name="from"/> on with fewer than <paramref name="cap"/> of <paramref name="sent"/> (sorted) in the hour before it.</summary>
    internal static DateTimeOffset FirstSlot(IReadOnlyList<DateTimeOffset> sent, DateTimeOffset from, int cap)
    {
        var slot = from;
        while (true)
        {
            var inWindow = sent.Where(s => s > slot - SendPacing.NewContactWindow && s <= slot).ToList();
            if (inWindow.Count < cap)
            {
                return slot;
            }

            // Room comes when the oldest of the window leaves it.
            slot = inWindow[inWindow.Count - cap] + SendPacing.NewContactWindow + TimeSpan.FromMilliseconds(1);
        }
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other > a ? other : a;

    private TimeSpan Gap(SendPacing pacing) => pacing.MinGap + pacing.Jitter * random();
}

/// <summary>A pass's plan: when each message is due, and which wait on their own rather than in the queue's turn.</summary>
/// <param name="Due">When each pending message is due, by id.</param>
/// <param name="Deferred">Messages due later than their turn: the pass leaves them and wakes for them at their time.</param>
internal sealed record PacingPlan(IReadOnlyDictionary<string, DateTimeOffset> Due, IReadOnlySet<string> Deferred);
