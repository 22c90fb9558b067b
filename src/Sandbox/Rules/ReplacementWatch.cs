using System.Collections.Concurrent;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// R19: one connection per device; a second one replaces the first with <c>&lt;conflict type="replaced"/&gt;</c>, and the
/// replaced client must not answer that by reconnecting. The server cannot tell two clients of one device apart, but it
/// sees them fight: a device replaced again within <c>window</c> of its last replacement means the replaced client came
/// back. That is noticed (counted and logged), not refused — WhatsApp keeps replacing. Thread-safe.
/// </summary>
public sealed class ReplacementWatch(TimeSpan window, RuleBook rules, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastReplaced = new(StringComparer.Ordinal);

    /// <summary>Records that device <paramref name="deviceJid"/>'s connection was replaced by a new login.</summary>
    public void Replaced(string deviceJid)
    {
        var now = time.GetUtcNow();
        if (_lastReplaced.TryGetValue(deviceJid, out var last) && now - last < window)
        {
            rules.Notice(ServerRule.R19, deviceJid, $"replaced again {(now - last).TotalSeconds:0.#} s after its last replacement: a replaced client reconnected");
        }

        _lastReplaced[deviceJid] = now;
    }
}
