using System.Collections.Concurrent;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// R16 as the server sees it: when an account's identity changes (its phone reinstalled), every account that has been in
/// contact with it gets an <c>encrypt</c> notification with <c>&lt;identity/&gt;</c>, and until a device of such an account
/// starts a new session with the account's phone (its own <c>pkmsg</c>), a plain <c>msg</c> of it to the phone is written on a session
/// from before the change: a client that ignored the notification. The server cannot refuse it (it cannot read it); it
/// is counted, and the phone fails to decrypt it as a real one would.
/// </summary>
public sealed class IdentityChanges(RuleBook rules)
{
    private readonly ConcurrentDictionary<(string Sender, string Changed), bool> _stale = new();
    private readonly ConcurrentDictionary<(string Device, string Changed), bool> _renewed = new();

    /// <summary>Marks every session <paramref name="contacts"/> hold with <paramref name="changed"/>'s phone as stale.</summary>
    public void Changed(SandboxAccount changed, IEnumerable<string> contacts)
    {
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(contacts);
        foreach (var renewed in _renewed.Keys.Where(k => k.Changed == changed.Phone))
        {
            _renewed.TryRemove(renewed, out _);
        }

        foreach (var contact in contacts)
        {
            _stale[(contact, changed.Phone)] = true;
        }
    }

    /// <summary>
    /// Looks at what device <paramref name="client"/> of <paramref name="senderPhone"/> sends to the primary of
    /// <paramref name="target"/>: a <c>pkmsg</c> is that device's new session (no longer stale), a <c>msg</c> before one is counted.
    /// </summary>
    public void Observe(string client, string senderPhone, SandboxAccount target, int deviceId, Node to)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(to);
        if (deviceId != 0 || _stale.IsEmpty || !_stale.ContainsKey((senderPhone, target.Phone)) || _renewed.ContainsKey((client, target.Phone)))
        {
            return;
        }

        var types = to.ChildrenNamed("enc").Select(e => e.Attr("type")).ToList();
        if (types.Contains("pkmsg"))
        {
            _renewed[(client, target.Phone)] = true;
        }
        else if (types.Contains("msg"))
        {
            rules.Notice(ServerRule.R16, client, $"msg to {target.Jid} on a session from before its identity changed (the encrypt notification was ignored)");
        }
    }

    /// <summary>The notification that tells a device <paramref name="changed"/>'s identity changed.</summary>
    public static Node BuildNotification(string id, SandboxAccount changed, long t)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var from = changed.Addressing == AddressingMode.Lid ? changed.LidJid : changed.Jid;
        return new Node("notification", NodeAttributes.Of(("from", from), ("type", "encrypt"), ("id", id), ("t", t.ToString(System.Globalization.CultureInfo.InvariantCulture))), [
            new Node("identity", null),
        ]);
    }
}
