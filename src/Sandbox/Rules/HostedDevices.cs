using System.Collections.Concurrent;
using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// R4 as the server sees it: an account may have a hosted (Cloud API) device, id 99, which usync marks
/// <c>is_hosted</c>. The server delivers each <c>&lt;to&gt;</c> it is given, so a 1:1 message whose participants leave the
/// hosted device out never reaches it: counted, and the message goes to the other devices only. What reached each
/// hosted device is kept (by message id) for the control API. Thread-safe.
/// </summary>
public sealed class HostedDevices(RuleBook rules)
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _received = new(StringComparer.Ordinal);

    /// <summary>Checks a 1:1 message to <paramref name="recipient"/>: its targets must include the hosted device, if there is one.</summary>
    public void Observe(string client, SandboxAccount recipient, IEnumerable<Jid> targets, string msgId)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(targets);
        if (recipient.Devices.FirstOrDefault(d => d.IsHosted) is not { } hosted)
        {
            return;
        }

        if (!targets.Any(t => t.Device == hosted.DeviceId && (t.User == recipient.Phone || t.User == recipient.Lid)))
        {
            rules.Notice(ServerRule.R4, client, $"message {msgId} to {recipient.Jid} leaves out its hosted device {hosted.Jid}; it is not delivered there");
        }
    }

    /// <summary>Records that message <paramref name="msgId"/> reached <paramref name="phone"/>'s hosted device.</summary>
    public void Delivered(string phone, string msgId) => _received.GetOrAdd(phone, _ => new ConcurrentQueue<string>()).Enqueue(msgId);

    /// <summary>The ids of the messages that reached <paramref name="phone"/>'s hosted device, oldest first.</summary>
    public IReadOnlyList<string> ReceivedBy(string phone) => _received.TryGetValue(phone, out var ids) ? [.. ids] : [];
}
