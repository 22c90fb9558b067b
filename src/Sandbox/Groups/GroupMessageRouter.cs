using System.Globalization;
using System.Threading.Channels;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Devices;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Storage;

namespace WaEngine.Sandbox.Groups;

/// <summary>
/// Fans a group message out as WhatsApp does (Baileys messages-send.js relayMessage, whatsmeow send.go sendGroup): the
/// client sends one <c>&lt;message to="&lt;group&gt;@g.us"&gt;</c> with the group ciphertext (<c>&lt;enc type="skmsg"&gt;</c>) and,
/// under <c>&lt;participants&gt;</c>, a pairwise <c>pkmsg</c>/<c>msg</c> carrying its sender key for each device that lacks
/// it; every other device of every participant gets <c>&lt;message from="&lt;group&gt;" participant="&lt;sender device&gt;"
/// addressing_mode …&gt;</c> with its own part (if any) and the skmsg. The ack carries the server's participant hash
/// (R16: a client whose hash differs refreshes its device lists). A sender who is not a participant is refused with
/// ack error 403, a non-admin in an announcement group with 401 (the codes the group iqs use for the same refusals;
/// the public evidence for the message-ack codes is thin). Receipts for group messages travel back to the sender's
/// device with <c>from</c> = the group and <c>participant</c> = the device that sent the receipt.
/// </summary>
internal sealed partial class GroupMessageRouter : IAsyncDisposable
{
    private readonly GroupStore store;
    private readonly AccountRegistry accounts;
    private readonly StanzaQueue queue;
    private readonly Func<SandboxAccount, int, string, string, Node, CancellationToken, Task> deliver;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Channel<PhoneDelivery> _toPhones = Channel.CreateUnbounded<PhoneDelivery>(new UnboundedChannelOptions { SingleReader = true });

    private readonly System.Collections.Concurrent.ConcurrentQueue<GroupFanOut> _fanOuts = new();
    private readonly Task _phoneLoop;

    /// <summary>How many fan-outs <see cref="FanOuts"/> keeps.</summary>
    public const int FanOutsKept = 1000;

    /// <summary>
    /// Creates the router. The virtual phones (device 0) decrypt what reaches them as it is delivered, so their share of
    /// a fan-out runs in order on one background loop after the sender's ack: a 200-member group does not hold the
    /// sender's connection while 200 phones decrypt.
    /// </summary>
    public GroupMessageRouter(GroupStore store, AccountRegistry accounts, StanzaQueue queue,
        Func<SandboxAccount, int, string, string, Node, CancellationToken, Task> deliver, TimeProvider time, ILogger logger)
    {
        this.store = store;
        this.accounts = accounts;
        this.queue = queue;
        this.deliver = deliver;
        this.time = time;
        this.logger = logger;
        _phoneLoop = Task.Run(DeliverToPhonesAsync);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _toPhones.Writer.TryComplete();
        await _phoneLoop.ConfigureAwait(false);
    }

    /// <summary>Routes a message a device sent to a group; the ack goes to <paramref name="replyToSender"/>.</summary>
    public async Task RouteMessageAsync(ConnectedDevice sender, Node message, Action<Node> replyToSender, CancellationToken cancellationToken)
    {
        var reader = new AttributeReader(message);
        var id = reader.String("id");
        var to = reader.Jid("to");
        reader.ThrowIfInvalid();

        var group = await store.FindAsync(to.User, cancellationToken).ConfigureAwait(false);
        var member = group?.Member(sender.Account.Phone);
        var refusal = group is null ? 404 : member is null ? 403 : group.Announce && !member.IsAdmin ? 401 : (int?)null;
        if (refusal is { } code)
        {
            LogRefused(sender.Jid, id, to.ToString(), code);
            replyToSender(Ack(id, to.ToString(), code, null));
            return;
        }

        var all = (await accounts.ListAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(a => a.Phone);
        var members = GroupMembership.MembersOf(group!, all);
        var lid = group!.Addressing == AddressingMode.Lid;
        var parts = await PartsByDeviceAsync(message, cancellationToken).ConfigureAwait(false);
        var skmsg = message.ChildrenNamed("enc").Where(e => e.Attr("type") == "skmsg").ToList();

        // A retry resend names the one device it is for (participant=…) and carries its enc at the top.
        IEnumerable<(SandboxAccount Account, int DeviceId)> recipients;
        if (message.Attr("participant") is { } retryTarget && Jid.TryParse(retryTarget, out var retryJid)
            && await accounts.FindByJidAsync(retryJid with { Device = null }, cancellationToken).ConfigureAwait(false) is { } retryAccount)
        {
            parts[(retryAccount.Phone, retryJid.Device ?? 0)] = message.ChildrenNamed("enc").Where(e => e.Attr("type") != "skmsg").ToList();
            recipients = [(retryAccount, retryJid.Device ?? 0)];
        }
        else
        {
            recipients = members.SelectMany(a => a.Devices.Where(d => !d.IsHosted).Select(d => (a, d.DeviceId)))
                .Where(r => r.a.Phone != sender.Account.Phone || r.DeviceId != sender.DeviceId);
        }

        var deviceIdentity = message.Child("device-identity");
        var delivered = 0;
        var toPhones = new List<PhoneDelivery>();
        foreach (var (account, deviceId) in recipients)
        {
            var children = new List<Node>(parts.GetValueOrDefault((account.Phone, deviceId)) ?? []);
            children.AddRange(skmsg);
            if (children.Count == 0)
            {
                continue;
            }

            if (deviceIdentity is not null && children.Any(c => c.Attr("type") == "pkmsg"))
            {
                children.Add(deviceIdentity);
            }

            var stanza = new Node("message", Attributes(sender, message, group, id, lid), children);
            delivered++;
            if (deviceId == 0)
            {
                toPhones.Add(new PhoneDelivery(account, id, stanza, null));
                continue;
            }

            await deliver(account, deviceId, "message", id, stanza, cancellationToken).ConfigureAwait(false);
        }

        await queue.RecordRouteAsync(id, sender.Account.Phone, sender.DeviceId, cancellationToken).ConfigureAwait(false);
        LogFannedOut(sender.Jid, id, group.Jid, delivered);
        Record(new GroupFanOut(id, sender.Jid, group.Jid, parts.Count, delivered, Retry: message.Attr("participant") is not null));
        replyToSender(Ack(id, to.ToString(), null, ParticipantHashOf(members, lid)));
        foreach (var item in toPhones)
        {
            if (!_toPhones.Writer.TryWrite(item))
            {
                // The sandbox is stopping: what is left goes inline.
                await deliver(item.Account!, 0, "message", id, item.Stanza!, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The latest group messages fanned out (at most <see cref="FanOutsKept"/>), oldest first.</summary>
    public IReadOnlyList<GroupFanOut> FanOuts => [.. _fanOuts];

    private void Record(GroupFanOut fanOut)
    {
        _fanOuts.Enqueue(fanOut);
        while (_fanOuts.Count > FanOutsKept)
        {
            _fanOuts.TryDequeue(out _);
        }
    }

    /// <summary>Completes once every group message queued for the phones so far has been handed to them (for tests and tools).</summary>
    public async Task DrainPhonesAsync(CancellationToken cancellationToken)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_toPhones.Writer.TryWrite(new PhoneDelivery(null, "", null, drained)))
        {
            await drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeliverToPhonesAsync()
    {
        await foreach (var item in _toPhones.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (item.Drained is { } drained)
            {
                drained.TrySetResult();
                continue;
            }

            try
            {
                await deliver(item.Account!, 0, "message", item.Id, item.Stanza!, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SandboxInputException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException or StanzaException or IOException)
            {
                LogPhoneDeliveryFailed(item.Account!.Phone, item.Id, ex.Message);
            }
        }
    }

    /// <summary>
    /// A device receipts a group message (<c>to</c> = the group, <c>participant</c> = the sender): the sender's device
    /// that sent it (or all of them) gets <c>&lt;receipt from="&lt;group&gt;" participant="&lt;receipting device&gt;"&gt;</c>.
    /// </summary>
    public async Task RouteReceiptAsync(ConnectedDevice from, Node receipt, CancellationToken cancellationToken)
    {
        var id = receipt.Attr("id");
        var to = receipt.Attr("to");
        if (id is null || to is null || !Jid.TryParse(receipt.Attr("participant") ?? "", out var author))
        {
            return;
        }

        var sender = await accounts.FindByJidAsync(author with { Device = null }, cancellationToken).ConfigureAwait(false);
        var group = Jid.TryParse(to, out var groupJid) ? await store.FindAsync(groupJid.User, cancellationToken).ConfigureAwait(false) : null;
        if (sender is null || group is null)
        {
            return;
        }

        var lid = group.Addressing == AddressingMode.Lid;
        var attributes = new List<(string, string)> { ("from", group.Jid), ("participant", GroupNodes.DeviceJidOf(from.Account, from.DeviceId, lid)), ("id", id), ("t", Now()) };
        if (receipt.Attr("type") is { } type)
        {
            attributes.Add(("type", type));
        }

        var forwarded = receipt.Children.Count == 0
            ? new Node("receipt", NodeAttributes.Of([.. attributes]))
            : new Node("receipt", NodeAttributes.Of([.. attributes]), receipt.Children);
        var targetDevice = author.Device is > 0 ? author.Device : await queue.FindRouteAsync(id, sender.Phone, cancellationToken).ConfigureAwait(false);
        var targets = targetDevice is { } known ? [known] : sender.Devices.Where(d => !d.IsHosted).Select(d => d.DeviceId).ToList();
        foreach (var device in targets)
        {
            if (device == from.DeviceId && sender.Phone == from.Account.Phone)
            {
                continue;
            }

            await deliver(sender, device, "receipt", id, forwarded, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The server's participant hash of the group: every device of every participant, in the group's namespace.</summary>
    public static string ParticipantHashOf(IEnumerable<SandboxAccount> members, bool lid) =>
        ParticipantHash.Of(members.SelectMany(a => a.Devices.Where(d => !d.IsHosted).Select(d =>
            HostedDevice.Of(lid ? new Jid(a.Lid, JidServers.Lid) : new Jid(a.Phone, JidServers.WhatsApp), d.DeviceId))));

    private async Task<Dictionary<(string Phone, int DeviceId), List<Node>>> PartsByDeviceAsync(Node message, CancellationToken cancellationToken)
    {
        var parts = new Dictionary<(string, int), List<Node>>();
        foreach (var target in message.Child("participants")?.ChildrenNamed("to") ?? [])
        {
            if (!Jid.TryParse(target.Attr("jid") ?? "", out var device)
                || await accounts.FindByJidAsync(device with { Device = null }, cancellationToken).ConfigureAwait(false) is not { } account)
            {
                LogUnknownTarget(target.Attr("jid") ?? "", message.Attr("id") ?? "");
                continue;
            }

            parts[(account.Phone, device.Device ?? 0)] = target.ChildrenNamed("enc").ToList();
        }

        return parts;
    }

    private NodeAttributes Attributes(ConnectedDevice sender, Node message, SandboxGroup group, string id, bool lid)
    {
        var attributes = new List<(string, string)>
        {
            ("from", group.Jid), ("participant", GroupNodes.DeviceJidOf(sender.Account, sender.DeviceId, lid)), ("id", id),
            ("t", message.Attr("t") ?? Now()), ("type", message.Attr("type") ?? "text"), ("addressing_mode", lid ? "lid" : "pn"),
            lid ? ("participant_pn", sender.Account.Jid) : ("participant_lid", sender.Account.LidJid),
        };
        if (message.Attr("edit") is { } edit)
        {
            attributes.Add(("edit", edit));
        }

        if (sender.Account.PushName is { Length: > 0 } name)
        {
            attributes.Add(("notify", name));
        }

        return NodeAttributes.Of([.. attributes]);
    }

    private Node Ack(string id, string to, int? error, string? phash)
    {
        var attributes = new List<(string, string)> { ("class", "message"), ("id", id), ("from", to), ("t", Now()) };
        if (error is { } code)
        {
            attributes.Add(("error", code.ToString(CultureInfo.InvariantCulture)));
        }

        if (phash is not null)
        {
            attributes.Add(("phash", phash));
        }

        return new Node("ack", NodeAttributes.Of([.. attributes]));
    }

    private string Now() => time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>One group message for a phone, or (with <see cref="Drained"/>) a marker a drain waits for.</summary>
    private sealed record PhoneDelivery(SandboxAccount? Account, string Id, Node? Stanza, TaskCompletionSource? Drained);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox: group message {Id} from {Sender} to {Group} refused with ack error {Code}")]
    private partial void LogRefused(string sender, string id, string group, int code);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sandbox: group message {Id} from {Sender} to {Group} went to {Count} device(s)")]
    private partial void LogFannedOut(string sender, string id, string group, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sandbox: virtual phone {Phone} could not take group message {Id}: {Reason}")]
    private partial void LogPhoneDeliveryFailed(string phone, string id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox: group message {Id} names unknown device {Jid}; skipped")]
    private partial void LogUnknownTarget(string jid, string id);
}
