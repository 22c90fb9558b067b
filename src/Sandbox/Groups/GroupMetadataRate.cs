using System.Collections.Concurrent;
using WaEngine.Sandbox.Rules;

namespace WaEngine.Sandbox.Groups;

/// <summary>
/// SERVER-RULES R5: WhatsApp answers a client that re-reads a group's metadata again and again (for example before every
/// send) with <c>rate-overlimit</c> (429) (Baileys #795, #1061, #1261; adiwajshing #1419, #2148). The public reports give
/// no exact threshold; the sandbox allows <see cref="Limit"/> metadata queries per group per device in any
/// <see cref="Window"/> and refuses the next ones in strict mode (counted either way). Thread-safe.
/// </summary>
public sealed class GroupMetadataRate(RuleBook rules, TimeProvider time)
{
    /// <summary>Metadata queries a device may make for one group within <see cref="Window"/>.</summary>
    public const int Limit = 10;

    /// <summary>The sliding window the limit applies to.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Device, string Group), Queue<DateTimeOffset>> _queries = new();

    /// <summary>Records one metadata query; true when the server refuses it (429 rate-overlimit).</summary>
    public bool Refuses(string deviceJid, string groupJid)
    {
        var now = time.GetUtcNow();
        var queue = _queries.GetOrAdd((deviceJid, groupJid), _ => new Queue<DateTimeOffset>());
        int count;
        lock (queue)
        {
            while (queue.Count > 0 && now - queue.Peek() >= Window)
            {
                queue.Dequeue();
            }

            queue.Enqueue(now);
            count = queue.Count;
        }

        return count > Limit && rules.Breach(ServerRule.R5, deviceJid, $"metadata query {count} for {groupJid} within {Window.TotalSeconds:0} s (at most {Limit})");
    }
}
