using System.Globalization;
using System.Security.Cryptography;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Conversations;
using WaEngine.Sandbox.Rules;
using static WaEngine.Sandbox.Protocol.ServerNodes;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// Logs a paired device in (its Noise key must be the one it paired with; a second login replaces the first) and
/// dispatches what it sends until it goes away: iq answers to their waiters, iqs to <see cref="IqHandler"/>, messages,
/// receipts and acks to the <see cref="MessageRouter"/>, and the offline queue once the device says it is active.
/// </summary>
internal sealed partial class LoginDispatcher(AccountRegistry accounts, DeviceDirectory devices, IqHandler iqs, MessageRouter router, CompanionPairing pairing, AckWatch acks, RuleBook rules, TimeProvider time, ILogger<LoginDispatcher> logger)
{
    /// <summary>The login rules a device meets once it is known: refused accounts (R9), pace (R18), replacements (R19).</summary>
    public required LoginRules Rules { get; init; }

    /// <summary>What each device is told to read again after its offline queue (<c>&lt;ib&gt;&lt;dirty/&gt;&lt;/ib&gt;</c>).</summary>
    public DirtyBits? Dirty { get; init; }

    /// <summary>Routes presence and chat states; without it they are only recorded for R13/R17.</summary>
    public PresenceHub? Presence { get; init; }

    /// <summary>
    /// Logs the device in and serves its connection until it ends; an unknown device or key gets <c>failure 401</c>, an
    /// account whose logins are refused (a ban) the refusal's <c>failure</c>.
    /// </summary>
    public async Task RunLoginAsync(ServerConnection connection, byte[] noiseKey, ClientPayload payload, CancellationToken cancellationToken)
    {
        var phone = payload.HasUsername ? payload.Username.ToString(CultureInfo.InvariantCulture) : "";
        var deviceId = (int)payload.Device;
        var account = phone.Length == 0 ? null : await accounts.FindAsync(phone, cancellationToken).ConfigureAwait(false);
        var storedKey = account is null ? null : await accounts.FindNoiseKeyAsync(account.Phone, deviceId, cancellationToken).ConfigureAwait(false);
        if (account is null || storedKey is null || !CryptographicOperations.FixedTimeEquals(storedKey, noiseKey))
        {
            LogLoginRefused(phone, deviceId);
            await connection.CloseAsync(new Node("failure", NodeAttributes.Of(("reason", "401")))).ConfigureAwait(false);
            return;
        }

        var device = new ConnectedDevice(account, deviceId);
        Rules.Pace.Record(device.Jid);
        if (Rules.Refusals.RefuseLogin(account.Phone, deviceId, device.Jid) is { } refusal)
        {
            LogLoginRefusedByRule(device.Jid, refusal.Attr("reason") ?? "");
            await connection.CloseAsync(refusal).ConfigureAwait(false);
            return;
        }

        if (deviceId != 0 && Rules.Activity.LogsOut(device.Jid, account.Phone, deviceId))
        {
            LogLoginRefusedByRule(device.Jid, "401 (inactive companion, R17)");
            await pairing.RemoveDeviceAsync(account.Phone, deviceId, cancellationToken).ConfigureAwait(false);
            await connection.CloseAsync(new Node("failure", NodeAttributes.Of(("reason", "401"), ("location", "sandbox")))).ConfigureAwait(false);
            return;
        }

        connection.Device = device;
        AckWatch.Attach(connection, time);
        if (devices.Replace(account.Phone, deviceId, connection) is { } previous)
        {
            Rules.Replacements.Replaced(device.Jid);
            await previous.CloseAsync(ServerConnection.StreamError(null, "conflict", ("type", "replaced"))).ConfigureAwait(false);
        }

        LogLoggedIn(device.Jid);
        connection.Send(new Node("success", NodeAttributes.Of(("t", Now()), ("lid", device.LidJid), ("location", "sandbox"), ("props", "0"), ("abprops", "0"))));

        // A mute with a duration lets the login through (the server answers the handshake and <success>) and is silent after.
        var faults = devices.Faults(account.Phone, deviceId);
        connection.Silenced = () => faults.IsSilent(time.GetUtcNow());
        var watch = acks.RunAsync(connection, device);
        try
        {
            await connection.RunAsync(DispatchAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            devices.Remove(account.Phone, deviceId, connection);
            if (Presence is { } presence)
            {
                await presence.LeftAsync(device, CancellationToken.None).ConfigureAwait(false);
            }

            await watch.ConfigureAwait(false);
        }
    }

    private async ValueTask DispatchAsync(ServerConnection connection, Node node)
    {
        var device = connection.Device!;
        var faults = devices.Faults(device.Account.Phone, device.DeviceId);
        if (faults.IsSilent(time.GetUtcNow()) || faults.TakeMute())
        {
            return;
        }

        switch (node.Tag)
        {
            case "iq" when node.Attr("type") is "result" or "error":
                connection.TryCompleteQuery(node);
                break;
            case "iq" when node.Attr("xmlns") == "encrypt" && node.Attr("type") == "get" && node.FirstChild()?.Tag == "key"
                && devices.Faults(device.Account.Phone, device.DeviceId).TakeFailKeyFetch() is { } keyFetchError:
                connection.Send(ServerNodes.Error(node, keyFetchError, keyFetchError == 500 ? "internal-server-error" : "fault"));
                break;
            case "iq" when node.Attr("xmlns") == "md" && node.FirstChild()?.Tag == "remove-companion-device":
                connection.Send(Result(node));
                LogLoggedOut(device.Jid);
                await pairing.RemoveDeviceAsync(device.Account.Phone, device.DeviceId, connection.Closed).ConfigureAwait(false);
                break;
            case "iq":
                connection.Send(await iqs.HandleAsync(device, node, connection.Closed).ConfigureAwait(false));
                if (node.Attr("xmlns") == "passive" && node.FirstChild()?.Tag == "active" && !connection.CaughtUp)
                {
                    var replayed = await router.ReplayAsync(connection, device, connection.Closed).ConfigureAwait(false);
                    connection.Send(new Node("ib", null, [Leaf("offline", ("count", replayed.ToString(CultureInfo.InvariantCulture)))]));
                    foreach (var dirty in Dirty?.Notices(device.Jid) ?? [])
                    {
                        connection.Send(dirty);
                    }
                }

                break;
            case "message":
                await router.RouteMessageAsync(device, node, reply => connection.Send(reply), connection.Closed).ConfigureAwait(false);
                break;
            case "presence":
                connection.PresenceAvailable = DeliveryReceiptRule.AnnouncedAvailability(node) ?? connection.PresenceAvailable;
                if (DeliveryReceiptRule.AnnouncedAvailability(node) == true)
                {
                    Rules.Activity.Announced(device.Account.Phone, device.DeviceId);
                }

                if (Presence is { } presence)
                {
                    await presence.OnPresenceAsync(connection, device, node, connection.Closed).ConfigureAwait(false);
                }

                break;
            case "chatstate" when Presence is { } hub:
                await hub.OnChatStateAsync(device, node, connection.Closed).ConfigureAwait(false);
                break;
            case "receipt":
                connection.Acks?.ReceiptSent(node);
                DeliveryReceiptRule.Check(rules, device.Jid, connection.PresenceAvailable, node);
                connection.PeerReceipts.Check(rules, device.Jid, node);
                await router.RouteReceiptAsync(device, node, reply => connection.Send(reply), connection.Closed).ConfigureAwait(false);
                break;
            case "ack":
                rules.Nacks.Check(device.Jid, node); // R7: a nack is an ack with a code, and settles its stanza as any ack
                if (await acks.AcknowledgeAsync(connection, device, node).ConfigureAwait(false))
                {
                    await router.AcknowledgeAsync(device, node, connection.Closed).ConfigureAwait(false);
                }

                break;
            default:
                LogIgnored(device.Jid, node.Tag);
                break;
        }
    }

    private string Now() => time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox refused login of {Phone}:{Device} (unknown device or noise key)")]
    private partial void LogLoginRefused(string phone, int device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox refused login of {Device}: failure {Reason} (the account's logins are refused)")]
    private partial void LogLoginRefusedByRule(string device, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox device {Device} logged in")]
    private partial void LogLoggedIn(string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox device {Device} logged out")]
    private partial void LogLoggedOut(string device);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sandbox device {Device}: <{Tag}> not handled yet")]
    private partial void LogIgnored(string device, string tag);
}
