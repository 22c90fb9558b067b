using WaEngine.Engine.Messaging;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// Send pacing inside the queue (<see cref="SendPacing"/>): plans when each pending message is due — a send to another
/// chat than the one before waits the minimum gap plus a random share of the jitter after it — and remembers the last
/// write, so that a gap is kept from the moment the message before was really written, whatever the plan said. A
/// message keeps the time it was once scheduled for as its earliest (the plan is stored, so a restart does not send
/// early what waited). Used by the send pass only (one at a time), so it needs no lock.
/// </summary>
internal sealed class SendPacer(TimeProvider time, Func<double> random)
{
    private string? _lastChat;
    private DateTimeOffset _lastWrite;

    /// <summary>When each of <paramref name="pending"/> (in queue order) is due under <paramref name="pacing"/>.</summary>
    public IReadOnlyList<DateTimeOffset> Plan(SendPacing pacing, IReadOnlyList<OutboundEntry> pending)
    {
        var now = time.GetUtcNow();
        var due = new List<DateTimeOffset>(pending.Count);
        var chat = _lastChat;
        var at = _lastChat is null ? now : _lastWrite;
        foreach (var entry in pending)
        {
            var next = chat is not null && chat != entry.Message.ChatJid ? at + Gap(pacing) : at;
            if (next < now)
            {
                next = now;
            }

            if (entry.Message.ScheduledAt is { } scheduled && scheduled > next)
            {
                next = scheduled;
            }

            due.Add(next);
            at = next;
            chat = entry.Message.ChatJid;
        }

        return due;
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

    private TimeSpan Gap(SendPacing pacing) => pacing.MinGap + pacing.Jitter * random();
}
