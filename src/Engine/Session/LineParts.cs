using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Events;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Calls;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Stanzas.Notifications;
using WaEngine.Engine.Stanzas.Pairing;
using WaEngine.Engine.Stanzas.PreKeys;
using WaEngine.Engine.Stanzas.Presence;
using WaEngine.Engine.Stanzas.Privacy;
using WaEngine.Engine.Stanzas.Receipts;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Session;

/// <summary>The handlers of one line, one per stanza family, and the router built from them.</summary>
internal sealed record LineParts(
    StanzaRouter Router,
    ConnectionHandler Connection,
    PairingHandler Pairing,
    PreKeyHandler PreKeys,
    ReceiptHandler Receipts,
    OutboundQueue Outbound)
{
    /// <summary>Our messages written on the current connection and not acked yet (the keepalive checks them).</summary>
    public required UnackedSends Unacked { get; init; }

    /// <summary>Status moves of our messages gathered for one store transaction (sent, server acks, receipts).</summary>
    public required StatusBatch Statuses { get; init; }

    /// <summary>Our presence, typing, subscriptions and contacts' presence.</summary>
    public required PresenceHandler Presence { get; init; }

    /// <summary>Asks our phone for messages that arrived unavailable (R15).</summary>
    public PlaceholderResender? Placeholders { get; init; }

    /// <summary>Message stanzas that waited together, decrypted and stored in one transaction (group commit).</summary>
    public required InboundBatch Inbound { get; init; }

    /// <summary>Reads the account's group list from the server after pairing and when the server marks it dirty; null without a group store.</summary>
    public GroupSync? GroupSync { get; init; }

    /// <summary>Media retries waiting for our phone's answer.</summary>
    public Media.Retry.MediaRetries MediaRetries { get; init; } = new();

    /// <summary>Builds every handler of a line and the routing tables over them.</summary>
    public static LineParts Compose(LineId lineId, LineOptions options, ICredentialStore credentials, ISignalStore signal, IMessageStore messages, ICallLog? calls, LineEventHub events, TimeProvider time, ILogger logger, IGroupStore? groups = null)
    {
        var keys = new SignalKeyGenerator();
        var trust = new IdentityTrust(signal, logger);
        var statuses = new StatusPublisher(lineId, messages, events, time);
        var tokens = new PrivacyTokenKeeper(options, messages, time, logger);
        var hashes = new SentParticipantHashes();
        var addresses = new SessionAddresses(signal, messages, logger);
        var planner = new SendPlanner(options, signal, messages, tokens, time, addresses);
        planner.Groups = groups is null ? null : new GroupSendPlanner(options, signal, groups, planner);
        var encryptor = new MessageEncryptor(signal, keys, trust, addresses, logger, groups is null ? null : new GroupMessageEncryptor(signal, groups, keys, trust, addresses));
        var placeholders = new PlaceholderResender(signal, keys, trust, planner, time, logger);
        var presence = new PresenceHandler(lineId, options, messages, tokens, time, logger);
        var decryptor = new MessageDecryptor(lineId, options, signal, messages, keys, trust, events, time, logger, placeholders, addresses) { PresenceAnnounced = () => presence.Available };
        var inbound = new InboundBatch(lineId, decryptor, signal, messages, keys, trust, addresses, events, time, logger);
        var connection = new ConnectionHandler(options, credentials, logger);
        var pairing = new PairingHandler(options, credentials, time, logger);
        var preKeys = new PreKeyHandler(options, keys, signal, credentials, logger);
        var batch = new StatusBatch(statuses);
        var receipts = new ReceiptHandler(options, messages, statuses, encryptor, planner, tokens, hashes, time, logger, batch) { Tally = events.Tally };
        var notifications = new NotificationHandler(messages);
        var callHandler = new CallHandler(lineId, calls, time);
        var identities = new IdentityChangeHandler(messages, signal, tokens, logger);
        var mediaRetries = new Media.Retry.MediaRetries();
        var unacked = new UnackedSends(time);
        var groupSync = groups is null ? null : new GroupSync(groups, options, time, logger);
        var outbound = new OutboundQueue(options, messages, planner, encryptor, tokens, hashes, statuses, new SendPacer(time, Random.Shared.NextDouble), time, logger, unacked, batch, PacedTypingOnLoop.Through(presence));

        var byTag = new Dictionary<string, StanzaHandler>(StringComparer.Ordinal)
        {
            ["success"] = (node, context) => new(connection.HandleSuccessAsync(node, context)),
            ["failure"] = (node, _) => ValueTask.FromResult(ConnectionHandler.HandleFailure(node)),
            ["stream:error"] = (node, _) => ValueTask.FromResult(connection.HandleStreamError(node)),
            ["xmlstreamend"] = (_, _) => ValueTask.FromResult(ConnectionHandler.HandleStreamEnd()),
            ["message"] = (node, context) => new(decryptor.HandleAsync(node, context)),
            ["receipt"] = (node, context) => new(receipts.HandleReceiptAsync(node, context)),
            ["call"] = (node, context) => new(callHandler.HandleAsync(node, context)),
            ["ib"] = (node, context) => ValueTask.FromResult(groupSync?.HandleIb(node, context) ?? StanzaOutcome.None),
            ["presence"] = (node, context) => new(presence.HandlePresenceAsync(node, context)),
            ["chatstate"] = (node, context) => new(presence.HandleChatStateAsync(node, context)),
            ["ack"] = (node, context) => node.Attr("class") == "message" ? new(AckedAsync(node, context)) : ValueTask.FromResult(StanzaOutcome.None),
        };
        var iqs = new Dictionary<(string Type, string Child), StanzaHandler>
        {
            [("get", "ping")] = (node, _) => ValueTask.FromResult(ConnectionHandler.HandlePing(node)),
            [("set", "pair-device")] = (node, context) => ValueTask.FromResult(context.Credentials is { IsPaired: false } ? pairing.HandlePairDevice(node, context) : StanzaOutcome.None),
            [("set", "pair-success")] = (node, context) => new(pairing.HandlePairSuccessAsync(node, context)),
        };
        var byType = new Dictionary<string, StanzaHandler>(StringComparer.Ordinal)
        {
            ["link_code_companion_reg"] = (node, context) => ValueTask.FromResult(pairing.HandleCompanionRegistration(node, context)),
            ["encrypt"] = (node, context) => node.Child("identity") is not null
                ? new(identities.HandleAsync(node, context))
                : new(preKeys.HandleEncryptNotificationAsync(node, context)),
            ["devices"] = (node, context) => new(notifications.HandleDevicesAsync(node, context)),
            ["passkey_prologue_request"] = (_, context) => ValueTask.FromResult(ConnectionHandler.HandlePasskeyRequest(context)),
            ["privacy_token"] = (node, context) => new(tokens.HandlePrivacyTokenNotificationAsync(node, context)),
            [Media.Retry.MediaRetryStanzas.NotificationType] = (node, _) =>
            {
                mediaRetries.Offer(Media.Retry.MediaRetryStanzas.ParseAnswer(node));
                return ValueTask.FromResult(StanzaOutcome.None);
            },
        };
        if (groups is not null)
        {
            var groupNotifications = new GroupNotificationHandler(groups, options, time, logger);
            byType["w:gp2"] = (node, context) => new(groupNotifications.HandleAsync(node, context));
        }

        return new LineParts(new StanzaRouter(byTag, iqs, byType, logger), connection, pairing, preKeys, receipts, outbound) { Placeholders = placeholders, Inbound = inbound, Unacked = unacked, Statuses = batch, Presence = presence, MediaRetries = mediaRetries, GroupSync = groupSync };

        Task<StanzaOutcome> AckedAsync(Node ack, LineContext context)
        {
            if (ack.Attr("id") is { } id)
            {
                unacked.Acked(id);
            }

            return receipts.HandleMessageAckAsync(ack, context);
        }
    }
}
