using System.Globalization;
using System.Security.Cryptography;
using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Groups;

/// <summary>
/// Sends a <c>w:gp2</c> notification about one change of a group to every device of the participants concerned, shaped
/// as WhatsApp sends it: <c>&lt;notification from="&lt;group&gt;@g.us" type="w:gp2" id t participant="&lt;actor&gt;"
/// [participant_pn] [notify]&gt;&lt;change/&gt;&lt;/notification&gt;</c> (whatsmeow group.go parseGroupChange /
/// parseGroupCreate, Baileys messages-recv.js handleGroupNotification). Companions get it through the durable queue (and
/// must ack it, R6); hosted devices get none.
/// </summary>
/// <param name="deliver">Queues a stanza for one device (account, device id, class, id, stanza).</param>
/// <param name="time">The clock the notifications' <c>t</c> comes from.</param>
public sealed class GroupNotifier(Func<SandboxAccount, int, string, string, Node, CancellationToken, Task> deliver, TimeProvider time)
{
    /// <summary>Builds the notification and delivers it to every device of every account in <paramref name="to"/>.</summary>
    /// <returns>The notification's id.</returns>
    public async Task<string> NotifyAsync(SandboxGroup group, SandboxAccount actor, Node change, IEnumerable<SandboxAccount> to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(actor);
        var notification = Build(group, actor, change, out var id);
        foreach (var account in to.DistinctBy(a => a.Phone))
        {
            foreach (var device in account.Devices.Where(d => !d.IsHosted))
            {
                await deliver(account, device.DeviceId, "notification", id, notification, cancellationToken).ConfigureAwait(false);
            }
        }

        return id;
    }

    /// <summary>The notification stanza for one change (a new id each time).</summary>
    public Node Build(SandboxGroup group, SandboxAccount actor, Node change, out string id)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(actor);
        var lid = group.Addressing == AddressingMode.Lid;
        id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var attributes = new List<(string, string)>
        {
            ("from", group.Jid), ("type", "w:gp2"), ("id", id),
            ("t", time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ("participant", GroupNodes.UserJid(actor, lid)),
        };
        if (lid)
        {
            attributes.Add(("participant_pn", actor.Jid));
        }

        if (change.Tag == "create")
        {
            attributes.Add(("addressing_mode", lid ? "lid" : "pn"));
        }

        if (actor.PushName is { Length: > 0 } name)
        {
            attributes.Add(("notify", name));
        }

        return new Node("notification", NodeAttributes.Of([.. attributes]), [change]);
    }
}
