using System.Collections.Concurrent;
using System.Globalization;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// R17: WhatsApp logs a linked device out once it has looked inactive for about 14 days, even while it sends (wuzapi
/// #357); what counts as activity here is a <c>&lt;presence type="available"&gt;</c> from the device, which is what
/// the references send (Baileys on connect, GOWA as a daily pulse). A device's clock starts when the sandbox first sees
/// it log in. Kept for the sandbox's run. Thread-safe.
/// </summary>
public sealed class CompanionActivity(RuleBook rules, TimeProvider time, TimeSpan limit)
{
    /// <summary>About how long WhatsApp lets a linked device look inactive.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromDays(14);

    private readonly ConcurrentDictionary<(string Phone, int DeviceId), DateTimeOffset> _lastActive = new();
    private readonly ConcurrentDictionary<(string Phone, int DeviceId), int> _announcements = new();

    /// <summary>The device announced itself available now.</summary>
    public void Announced(string phone, int deviceId)
    {
        _lastActive[(phone, deviceId)] = time.GetUtcNow();
        _announcements.AddOrUpdate((phone, deviceId), 1, (_, n) => n + 1);
    }

    /// <summary>How often the device announced itself available since the sandbox started.</summary>
    public int Announcements(string phone, int deviceId) => _announcements.GetValueOrDefault((phone, deviceId));

    /// <summary>When the device last counted as active, or null if the sandbox has not seen it.</summary>
    public DateTimeOffset? LastActive(string phone, int deviceId) => _lastActive.TryGetValue((phone, deviceId), out var at) ? at : null;

    /// <summary>
    /// At a login: true when the device has looked inactive for longer than the limit and the strict sandbox logs it
    /// out (the breach is counted either way); a device seen for the first time starts its clock now.
    /// </summary>
    public bool LogsOut(string client, string phone, int deviceId)
    {
        var now = time.GetUtcNow();
        var last = _lastActive.GetOrAdd((phone, deviceId), now);
        if (now - last <= limit)
        {
            return false;
        }

        var days = (now - last).TotalDays.ToString("0.#", CultureInfo.InvariantCulture);
        return rules.Breach(ServerRule.R17, client, $"no presence announced for {days} days: logged out as an inactive companion");
    }
}
