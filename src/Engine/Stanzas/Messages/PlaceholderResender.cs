using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Receipts;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// SERVER-RULES R15: a message that reaches the line as <c>&lt;unavailable&gt;</c> (no ciphertext for us) is acked and
/// asked for again from our own phone with a placeholder-resend peer data operation, unless it is a
/// <c>*_unavailable_fanout</c> (bots, hosted devices, view-once: never resent) or older than 14 days, as WhatsApp Web
/// does (W:message.go immediateRequestMessageFromPhone; B:messages-recv requestPlaceholderResend). The phone answers
/// with a peer message that <see cref="MessageDecryptor"/> stores. The session with the phone is built off the loop
/// when missing (its bundle fetched), the request encrypted on the loop.
/// </summary>
internal sealed partial class PlaceholderResender(ISignalStore signal, SignalKeyGenerator keys, IdentityTrust trust, SendPlanner planner, TimeProvider time, ILogger logger)
{
    /// <summary>The oldest message WhatsApp Web still asks its phone for.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);

    /// <summary>Whether an <c>&lt;unavailable&gt;</c> message of <paramref name="type"/> sent at <paramref name="sentAt"/> is asked for again at <paramref name="now"/>.</summary>
    public static bool ShouldRequest(string? type, DateTimeOffset? sentAt, DateTimeOffset now) =>
        type?.EndsWith("_unavailable_fanout", StringComparison.Ordinal) != true && (sentAt is not { } t || now - t <= MaxAge);

    /// <summary>An <c>&lt;unavailable&gt;</c> message: the ack, and the request to our phone when it is due.</summary>
    public StanzaOutcome Handle(IncomingMessage incoming, LineContext context)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var ack = ReceiptStanzas.BuildAck(incoming.Node);
        var sentAt = incoming.Timestamp > 0 ? DateTimeOffset.FromUnixTimeSeconds(incoming.Timestamp) : (DateTimeOffset?)null;
        if (!ShouldRequest(incoming.Unavailable, sentAt, time.GetUtcNow()))
        {
            LogSkipped(logger, incoming.Id, incoming.Unavailable ?? "", incoming.Timestamp);
            return StanzaOutcome.Reply(ack);
        }

        if (context.Paired is not { Me: { } meText } || context.Connection is not { } connection)
        {
            return StanzaOutcome.Reply(ack);
        }

        var me = Jid.Parse(meText);
        var key = KeyOf(incoming, me);
        var phone = PhoneOf(me);
        var meLid = OwnLid(context.Paired);
        var generation = context.Generation;
        return new StanzaOutcome
        {
            Replies = [ack],
            Work =
            [
                new BackgroundWork("placeholder_bundle", async (mailbox, cancellationToken) =>
                {
                    PreKeyBundle? bundle = null;
                    var address = await planner.Addresses.ForDeviceAsync(phone, meLid, cancellationToken).ConfigureAwait(false);
                    if (await signal.Sessions.LoadSessionAsync(address, cancellationToken).ConfigureAwait(false) is not { HasCurrentSession: true })
                    {
                        var deviceJid = DeviceJid.Format(phone);
                        bundle = (await planner.FetchBundlesAsync(connection, [deviceJid], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(deviceJid);
                        if (bundle is null)
                        {
                            LogNoPhoneKeys(logger, key.Id, deviceJid);
                            return;
                        }
                    }

                    await mailbox.PostAsync(new LineMail.PlaceholderResendReady(generation, key, bundle), cancellationToken).ConfigureAwait(false);
                }),
            ],
        };
    }

    /// <summary>The request, encrypted for our phone (device 0) and sent as a peer message with the enc at the top.</summary>
    public async Task<StanzaOutcome> HandleReadyAsync(LineMail.PlaceholderResendReady mail, LineContext context)
    {
        ArgumentNullException.ThrowIfNull(mail);
        if (context.Connection is null || context.Paired is not { Me: { } meText } credentials)
        {
            return StanzaOutcome.None;
        }

        var me = Jid.Parse(meText);
        var address = await planner.Addresses.ForDeviceAsync(PhoneOf(me), OwnLid(credentials), context.Lifetime).ConfigureAwait(false);
        var cipher = new SessionCipher(signal, keys);
        if (mail.Bundle is { } bundle)
        {
            var setup = await trust.RunAsync(() => cipher.ProcessPreKeyBundleAsync(address, bundle, context.Lifetime), context.Lifetime).ConfigureAwait(false);
            await signal.CommitAsync(setup, context.Lifetime).ConfigureAwait(false);
        }

        var request = new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage
            {
                Type = Message.Types.ProtocolMessage.Types.Type.PeerDataOperationRequestMessage,
                PeerDataOperationRequestMessage = new Message.Types.PeerDataOperationRequestMessage
                {
                    PeerDataOperationRequestType = Message.Types.PeerDataOperationRequestType.PlaceholderMessageResend,
                    PlaceholderMessageResendRequest = { new Message.Types.PeerDataOperationRequestMessage.Types.PlaceholderMessageResendRequest { MessageKey = mail.Key } },
                },
            },
        };
        var encrypted = await cipher.EncryptAsync(address, WhatsAppPadding.Pad(request.ToByteArray(), SecureRandomSource.Instance), context.Lifetime).ConfigureAwait(false);
        await signal.CommitAsync(encrypted.Changes, context.Lifetime).ConfigureAwait(false);
        var id = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(9));
        LogRequested(logger, mail.Key.Id, id);
        return StanzaOutcome.Reply(MessageStanzas.BuildPeerMessage(id, new Jid(me.User, JidServers.WhatsApp).ToString(), encrypted, credentials.AccountIdentity));
    }

    /// <summary>The key WhatsApp files the message under: its chat, whether we sent it, its id and, in groups, its sender.</summary>
    public static MessageKey KeyOf(IncomingMessage incoming, Jid me)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var sender = incoming.SenderDevice with { Device = null, Agent = null };
        var fromMe = sender.User == me.User;
        var chat = incoming.IsGroup ? incoming.From : fromMe && incoming.Recipient is { } recipient ? recipient with { Device = null, Agent = null } : incoming.From with { Device = null, Agent = null };
        var key = new MessageKey { RemoteJid = chat.ToString(), FromMe = fromMe, Id = incoming.Id };
        if (incoming.IsGroup)
        {
            key.Participant = sender.ToString();
        }

        return key;
    }

    private static Jid PhoneOf(Jid me) => new(me.User, JidServers.WhatsApp, 0);

    private static Jid? OwnLid(DeviceCredentials? credentials) =>
        credentials?.Lid is { } text && Jid.TryParse(text, out var lid) ? lid with { Device = null, Agent = null } : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {Id} arrived unavailable ({Type}, sent {Timestamp}); not asked for again (R15: fanout types and messages older than 14 days are not)")]
    private static partial void LogSkipped(ILogger logger, string id, string type, long timestamp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {Id} arrived unavailable but our phone {Phone} has published no keys; it cannot be asked for")]
    private static partial void LogNoPhoneKeys(ILogger logger, string id, string phone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked our phone to resend message {Id} (peer data operation {RequestId})")]
    private static partial void LogRequested(ILogger logger, string id, string requestId);
}
