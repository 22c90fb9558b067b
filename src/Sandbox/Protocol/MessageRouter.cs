using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Devices;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Conversations;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Storage;
using static WaEngine.Sandbox.Protocol.ServerNodes;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// Routes what devices send each other: each <c>&lt;to&gt;</c> of a message becomes a message for that device, the sender
/// gets a server ack, receipts travel back to the sending device, and acks clear the durable queue. A device that is
/// offline gets its queue when it next logs in.
/// </summary>
internal sealed partial class MessageRouter(AccountRegistry accounts, StanzaQueue queue, DeviceDirectory devices, MessageShapeRules shapes, PrivacyTokens privacy, IdentityChanges identities, HostedDevices hosted, TimeProvider time, ILogger logger)
{
    /// <summary>Each account's read-receipt setting: a <c>read-self</c> never reaches the sender (R13).</summary>
    public ReadReceiptSettings? ReadReceipts { get; init; }

    /// <summary>R1's account side (a DM by LID from an account not LID-migrated); null checks nothing.</summary>
    public LidMigrationRule? LidMigration { get; init; }

    /// <summary>The phones' primary devices; set once the sandbox has them.</summary>
    public IPrimaryDevice? Primary { get; set; }

    /// <summary>The messages routed to virtual phones, taken by each phone after the sender's ack.</summary>
    public PhoneDeliveries Phones { get; } = new(logger);

    /// <summary>Where messages and receipts to groups go; set once the network has groups.</summary>
    public Groups.GroupMessageRouter? Groups { get; set; }

    /// <summary>A device (or a virtual phone) sends a message stanza.</summary>
    public async Task RouteMessageAsync(ConnectedDevice sender, Node message, Action<Node> replyToSender, CancellationToken cancellationToken, bool phonesAfterAck = false)
    {
        var reader = new AttributeReader(message);
        var id = reader.String("id");
        var to = reader.Jid("to");
        reader.ThrowIfInvalid();

        // R1 and R3: the server refuses a stanza of the wrong shape before anything is routed.
        if (shapes.Refusal(sender.Jid, message) is { } refusal)
        {
            replyToSender(Ack(id, to.ToString(), refusal));
            return;
        }

        // An armed error ack is meant for the next message the device sends to someone else: what clients send to
        // their own account (peer messages to the phone, protocol messages) runs on their own schedule and passes.
        var toOwnAccount = to.User == sender.Account.Phone || to.User == sender.Account.Lid;

        // R1, the account side: a DM by LID from an account that is not LID-migrated is refused.
        if (!toOwnAccount && LidMigration?.Refusal(sender.Jid, sender.Account.Phone, message, accounts.IsLidMigrated(sender.Account)) is { } unmigrated)
        {
            replyToSender(Ack(id, to.ToString(), unmigrated));
            return;
        }
        if (!toOwnAccount && message.Attr("category") != "peer" && devices.ArmedFaults(sender.Account.Phone, sender.DeviceId)?.TakeErrorAck() is { } code)
        {
            LogFaultErrorAck(code, id, to.ToString());
            replyToSender(Ack(id, to.ToString(), code));
            return;
        }

        if (!toOwnAccount && message.Attr("category") != "peer" && devices.ArmedFaults(sender.Account.Phone, sender.DeviceId)?.TakeLoseMessage() == true)
        {
            LogFaultLost(id, to.ToString());
            return;
        }

        if (to.Server == JidServers.Group && Groups is not null)
        {
            await Groups.RouteMessageAsync(sender, message, replyToSender, cancellationToken).ConfigureAwait(false);
            return;
        }

        // R2: a 1:1 message (not a retry resend, not to our own account) carries a valid privacy token or goes to a contact.
        var recipient = toOwnAccount || message.Attr("category") == "peer" || MessageShapeRules.IsRetryResend(message) || to.Server is not (JidServers.WhatsApp or JidServers.Lid)
            ? null
            : await accounts.FindByJidAsync(to with { Device = null }, cancellationToken).ConfigureAwait(false);
        if (recipient is not null && privacy.Refusal(sender.Jid, sender.Account, recipient, message) is { } tokenRefusal)
        {
            replyToSender(Ack(id, to.ToString(), tokenRefusal));
            return;
        }

        // Baileys lists devices under <participants>; a retry resend puts its one enc at the top, to= the device (R3),
        // and so does a peer message to the account's own phone, to= the bare account (R15's placeholder resend request).
        var targets = message.Child("participants")?.ChildrenNamed("to").ToList() ?? [];
        var peerToPhone = toOwnAccount && to.Device is null && message.Attr("category") == "peer";
        if (targets.Count == 0 && message.Child("enc") is not null && (to.Device is not null || peerToPhone || MessageShapeRules.IsRetryResend(message)))
        {
            targets.Add(new Node("to", NodeAttributes.Of(("jid", to.ToString())), message.ChildrenNamed("enc")));
        }

        if (recipient is not null)
        {
            hosted.Observe(sender.Jid, recipient, targets.Select(t => Jid.TryParse(t.Attr("jid"), out var jid) ? jid : (Jid?)null).OfType<Jid>(), id);
        }

        var deviceIdentity = message.Child("device-identity");
        var toPhones = new List<(SandboxAccount Account, Node Message)>();
        foreach (var target in targets)
        {
            var targetJid = new AttributeReader(target).Jid("jid");
            var account = await accounts.FindByJidAsync(targetJid with { Device = null }, cancellationToken).ConfigureAwait(false);
            var deviceId = targetJid.Device ?? 0;
            if (account is null || account.Devices.All(d => d.DeviceId != deviceId))
            {
                LogUnknownTarget(targetJid.ToString(), id);
                continue;
            }

            identities.Observe(sender.Jid, sender.Account.Phone, account, deviceId, target);
            var own = account.Phone == sender.Account.Phone;
            var attributes = new List<(string, string)> { ("from", SenderJid(sender)), ("id", id), ("t", Now()), ("type", message.Attr("type") ?? "text") };
            attributes.AddRange(AlternateAddress(sender));
            if (own)
            {
                attributes.Add(("recipient", message.Attr("recipient") ?? to.ToString()));
                if (message.Attr("peer_recipient_pn") is { } recipientPn)
                {
                    attributes.Add(("peer_recipient_pn", recipientPn));
                }
            }

            if (own && message.Attr("category") is "peer")
            {
                attributes.Add(("category", "peer"));
            }

            if (message.Attr("edit") is { } edit)
            {
                attributes.Add(("edit", edit));
            }

            if (sender.Account.PushName is { Length: > 0 } name)
            {
                attributes.Add(("notify", name));
            }

            // A phone's message the sender did not encrypt for this device arrives as <unavailable> (R15).
            var children = new List<Node>(target.ChildrenNamed("enc").Concat(target.ChildrenNamed("unavailable")));
            if (deviceIdentity is not null && children.Any(c => c.Attr("type") == "pkmsg"))
            {
                children.Add(deviceIdentity);
            }

            var delivered = new Node("message", NodeAttributes.Of([.. attributes]), children);
            if (deviceId == 0 && Primary is not null && (sender.DeviceId != 0 || phonesAfterAck))
            {
                // A client's message: the phone takes it after the sender's ack, on its own time (PhoneDeliveries). A
                // virtual phone's own sends (the control API's) still return once the other phone has it.
                toPhones.Add((account, delivered));
                continue;
            }

            await DeliverAsync(account, deviceId, "message", id, delivered, cancellationToken).ConfigureAwait(false);
            if (account.Devices.Any(d => d.DeviceId == deviceId && d.IsHosted))
            {
                hosted.Delivered(account.Phone, id);
            }
        }

        string? phash = null;
        if (recipient is not null)
        {
            privacy.RecordContact(sender.Account.Phone, recipient.Phone);
            phash = ParticipantHashOf(recipient, sender.Account, to.Server);
        }

        await queue.RecordRouteAsync(id, sender.Account.Phone, sender.DeviceId, cancellationToken).ConfigureAwait(false);
        replyToSender(Ack(id, to.ToString(), null, phash));
        foreach (var (account, delivered) in toPhones)
        {
            Phones.Post(Primary!, account, delivered);
        }
    }

    /// <summary>A device (or a virtual phone) sends a receipt for messages it received.</summary>
    public async Task RouteReceiptAsync(ConnectedDevice from, Node receipt, Action<Node> replyToSender, CancellationToken cancellationToken)
    {
        var reader = new AttributeReader(receipt);
        var id = reader.String("id");
        var to = reader.Jid("to");
        reader.ThrowIfInvalid();

        var ids = new List<string> { id };
        ids.AddRange(receipt.Child("list")?.ChildrenNamed("item").Select(i => i.Attr("id")).OfType<string>() ?? []);
        // A retry receipt does not settle the message: clients ack it after asking (R6, see AckLedger).
        if (from.DeviceId != 0 && receipt.Attr("type") != "retry")
        {
            await queue.AcknowledgeAsync(from.Account.Phone, from.DeviceId, "message", ids, cancellationToken).ConfigureAwait(false);
        }

        var ackAttributes = new List<(string, string)> { ("class", "receipt"), ("id", id), ("from", to.ToString()) };
        if (receipt.Attr("type") is { } ackType)
        {
            ackAttributes.Add(("type", ackType));
        }

        replyToSender(new Node("ack", NodeAttributes.Of([.. ackAttributes])));
        if (ReadReceipts is { } settings && !settings.ReachesSender(from.Account.Phone, from.Jid, receipt))
        {
            return;
        }

        if (to.Server == JidServers.Group && Groups is not null)
        {
            await Groups.RouteReceiptAsync(from, receipt, cancellationToken).ConfigureAwait(false);
            return;
        }

        var sender = await accounts.FindByJidAsync(to with { Device = null }, cancellationToken).ConfigureAwait(false);
        if (sender is null)
        {
            return;
        }

        var targetDevice = to.Device ?? await queue.FindRouteAsync(id, sender.Phone, cancellationToken).ConfigureAwait(false);
        var attributes = new List<(string, string)> { ("from", SenderJid(from)), ("id", id), ("t", Now()) };
        foreach (var key in (string[])["type", "recipient", "participant"])
        {
            if (receipt.Attr(key) is { } value)
            {
                attributes.Add((key, value));
            }
        }

        var forwarded = receipt.Children.Count == 0
            ? new Node("receipt", NodeAttributes.Of([.. attributes]))
            : new Node("receipt", NodeAttributes.Of([.. attributes]), receipt.Children);
        // A media retry request (server-error) is addressed to the asking device's own account: its phone answers it.
        var targets = receipt.Attr("type") == "server-error" ? [0]
            : targetDevice is { } known ? [known] : sender.Devices.Select(d => d.DeviceId).ToList();
        foreach (var device in targets)
        {
            if (device == from.DeviceId && sender.Phone == from.Account.Phone)
            {
                continue;
            }

            await DeliverAsync(sender, device, "receipt", id, forwarded, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A device acknowledges a stanza it was sent: it leaves the queue.</summary>
    public Task AcknowledgeAsync(ConnectedDevice device, Node ack, CancellationToken cancellationToken)
    {
        var id = ack.Attr("id");
        var stanzaClass = ack.Attr("class");
        return id is null || stanzaClass is null
            ? Task.CompletedTask
            : queue.AcknowledgeAsync(device.Account.Phone, device.DeviceId, stanzaClass, [id], cancellationToken);
    }

    /// <summary>Queues a stanza for a device and, if it is online and caught up, sends it now (faults applied).</summary>
    public async Task DeliverAsync(SandboxAccount account, int deviceId, string stanzaClass, string id, Node node, CancellationToken cancellationToken)
    {
        if (deviceId == 0)
        {
            if (Primary is { } primary)
            {
                await primary.ReceiveAsync(account, node, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await queue.EnqueueAsync(account.Phone, deviceId, stanzaClass, id, node, cancellationToken).ConfigureAwait(false);
        if (devices.Find(account.Phone, deviceId) is { CaughtUp: true } connection)
        {
            await SendWithFaultsAsync(connection, account.Phone, deviceId, node).ConfigureAwait(false);
        }
    }

    /// <summary>Sends everything queued for a device that just logged in, then marks it caught up; returns how many.</summary>
    public async Task<int> ReplayAsync(ServerConnection connection, ConnectedDevice device, CancellationToken cancellationToken)
    {
        var sent = 0;
        long last = 0;
        foreach (var (seq, node) in await queue.PendingAsync(device.Account.Phone, device.DeviceId, last, cancellationToken).ConfigureAwait(false))
        {
            await SendWithFaultsAsync(connection, device.Account.Phone, device.DeviceId, node).ConfigureAwait(false);
            last = seq;
            sent++;
        }

        // From here on deliveries go out live; a second pass picks up what was queued while the first one ran
        // (a stanza may then arrive twice, which clients dedupe by id: delivery is at least once).
        connection.CaughtUp = true;
        foreach (var (_, node) in await queue.PendingAsync(device.Account.Phone, device.DeviceId, last, cancellationToken).ConfigureAwait(false))
        {
            await SendWithFaultsAsync(connection, device.Account.Phone, device.DeviceId, node).ConfigureAwait(false);
            sent++;
        }

        return sent;
    }

    private async Task SendWithFaultsAsync(ServerConnection connection, string phone, int deviceId, Node node)
    {
        var faults = devices.ArmedFaults(phone, deviceId);
        if (faults is not null)
        {
            if (faults.TakeDrop())
            {
                LogFaultDropped(phone, deviceId, node.Tag);
                return;
            }

            var delay = faults.TakeDelay();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time).ConfigureAwait(false);
            }

            if (node.Tag == "message" && faults.TakeCorrupt())
            {
                node = Corrupt(node);
            }
        }

        connection.Send(node);
    }

    private static Node Corrupt(Node message)
    {
        var children = message.Children.Select(child =>
        {
            if (child.Tag != "enc" || child.Bytes.Length == 0)
            {
                return child;
            }

            var bytes = child.Bytes.ToArray();
            bytes[bytes.Length / 2] ^= 0xFF;
            bytes[^1] ^= 0xFF;
            return new Node("enc", child.Attributes, bytes);
        }).ToList();
        return new Node(message.Tag, message.Attributes, children);
    }

    // The sender's account as it is addressed now (a migration mid-conversation applies to open connections too).
    private string SenderJid(ConnectedDevice device) =>
        accounts.AddressingOf(device.Account) == AddressingMode.Lid ? device.LidJid : device.Jid;

    private IEnumerable<(string, string)> AlternateAddress(ConnectedDevice device) =>
        accounts.AddressingOf(device.Account) == AddressingMode.Lid
            ? [("sender_pn", device.Account.Jid)]
            : [("sender_lid", device.Account.LidJid)];

    /// <summary>R16: the participant hash of every device of both accounts, in the namespace the stanza was addressed in.</summary>
    private static string ParticipantHashOf(SandboxAccount recipient, SandboxAccount sender, string server)
    {
        var byLid = server == JidServers.Lid;
        return ParticipantHash.Of(recipient.Devices.Concat(sender.Devices).Select(d =>
        {
            var account = d.Phone == recipient.Phone ? recipient : sender;
            return HostedDevice.Of(new Jid(byLid ? account.Lid : account.Phone, byLid ? JidServers.Lid : JidServers.WhatsApp), d.DeviceId);
        }));
    }

    private Node Ack(string id, string to, int? error, string? phash = null)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox: message {Id} names unknown device {Jid}; skipped")]
    private partial void LogUnknownTarget(string jid, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox fault: error ack {Code} for message {Id} to {To}")]
    private partial void LogFaultErrorAck(int code, string id, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox fault: message {Id} to {To} lost (neither routed nor acked)")]
    private partial void LogFaultLost(string id, string to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox fault: dropped a <{Tag}> to {Phone}:{Device}")]
    private partial void LogFaultDropped(string phone, int device, string tag);
}
