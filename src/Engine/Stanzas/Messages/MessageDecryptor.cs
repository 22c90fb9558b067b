using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Receipts;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The receiving half of messaging: decrypts every part of an incoming message, stores it with its ratchet steps in
/// one transaction, and answers (a delivery receipt, a retry receipt, or an ack). Called only on the line's loop —
/// it shares the Signal state with <see cref="MessageEncryptor"/>, which runs there too. A crash before the commit
/// means the server redelivers; after it, the store dedupes.
/// </summary>
internal sealed class MessageDecryptor(LineId lineId, LineOptions options, ISignalStore signal, IMessageStore messages, SignalKeyGenerator keys, IdentityTrust trust, LineEventHub events, TimeProvider time, ILogger logger)
{
    private const int RetryBookkeepingLimit = 4096;
    private readonly Dictionary<string, int> _retriesSent = new(StringComparer.Ordinal);

    /// <summary>A <c>message</c> stanza: parsed (a malformed one is nacked 487), decrypted, stored, answered.</summary>
    public async Task<StanzaOutcome> HandleAsync(Node node, LineContext context)
    {
        if (context.Paired is not { } credentials || context.Connection is null)
        {
            return StanzaOutcome.None;
        }

        IncomingMessage incoming;
        try
        {
            incoming = MessageStanzas.Parse(node);
        }
        catch (StanzaException ex)
        {
            LineLog.StanzaFailed(logger, "message", ex.Message);
            return StanzaOutcome.Reply(ReceiptStanzas.BuildAck(node, 487));
        }

        return new StanzaOutcome { Replies = await ReceiveAsync(incoming, credentials, context.Lifetime).ConfigureAwait(false) };
    }

    /// <summary>
    /// Handles an incoming message: decrypts every part, stores the message with the ratchet steps in one transaction,
    /// and returns what to send back (a delivery receipt, a retry receipt, or an ack).
    /// </summary>
    public async Task<IReadOnlyList<Node>> ReceiveAsync(IncomingMessage incoming, DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        var me = Jid.Parse(credentials.Me!);
        Jid? meLid = credentials.Lid is { } lidText && Jid.TryParse(lidText, out var parsedLid) ? parsedLid : null;
        var sender = incoming.SenderDevice;
        var fromOwnAccount = sender.User == me.User || (meLid is { } ownLid && sender.User == ownLid.User);
        if (incoming.Parts.Count == 0)
        {
            return [ReceiptStanzas.BuildAck(incoming.Node)];
        }

        var pairwise = new SessionCipher(signal, keys);
        var group = new GroupCipher(signal, keys);
        var changes = new SignalStateChange();
        Message? content = null;

        // A one-part message (every one-to-one message) commits its ratchet step only with the stored message. Parts of
        // a group message depend on each other, so their steps are committed as they go.
        var multipart = incoming.Parts.Count > 1;
        var senderAddress = SendPlanner.AddressOf(sender);
        try
        {
            foreach (var part in incoming.Parts)
            {
                byte[] plaintext;
                switch (part.Type)
                {
                    case "pkmsg" or "msg":
                        var type = part.Type == "pkmsg" ? SignalMessageType.PreKey : SignalMessageType.Whisper;
                        var result = await trust.RunAsync(() => pairwise.DecryptAsync(senderAddress, type, part.Ciphertext, cancellationToken), cancellationToken).ConfigureAwait(false);
                        plaintext = result.Plaintext;
                        if (multipart)
                        {
                            // A later part (the skmsg after the pkmsg carrying its sender key) must see this step.
                            await signal.CommitAsync(result.Changes, cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            changes.Merge(result.Changes);
                        }

                        break;
                    case "skmsg":
                        var name = new SenderKeyName(incoming.From.ToString(), senderAddress);
                        var groupResult = await group.DecryptAsync(name, part.Ciphertext, cancellationToken).ConfigureAwait(false);
                        changes.Merge(groupResult.Changes);
                        plaintext = groupResult.Plaintext;
                        break;
                    default:
                        LineLog.UnknownPart(logger, incoming.Id, part.Type);
                        continue;
                }

                var message = Message.Parser.ParseFrom(WhatsAppPadding.Unpad(plaintext));
                if (message.SenderKeyDistributionMessage is { AxolotlSenderKeyDistributionMessage.Length: > 0 } distribution && incoming.IsGroup)
                {
                    var name = new SenderKeyName(incoming.From.ToString(), senderAddress);
                    var processed = await group.ProcessDistributionMessageAsync(name, distribution.AxolotlSenderKeyDistributionMessage.Memory, cancellationToken).ConfigureAwait(false);
                    if (multipart)
                    {
                        await signal.CommitAsync(processed, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        changes.Merge(processed);
                    }
                }

                if (IsContent(message))
                {
                    content = message;
                }
            }
        }
        catch (SignalException ex) when (ex.Kind == SignalErrorKind.Duplicate)
        {
            // Decrypted and stored before (the receipt was lost): receipt it again.
            return [ReceiptStanzas.BuildDelivery(incoming, fromOwnAccount)];
        }
        catch (Exception ex) when (ex is SignalException or CryptoException or InvalidProtocolBufferException)
        {
            return [await RetryOrGiveUpAsync(incoming, credentials, ex.Message, cancellationToken).ConfigureAwait(false)];
        }

        _retriesSent.Remove(incoming.Id);
        MessageRecord? stored = null;
        if (content is not null)
        {
            stored = await RecordOf(incoming, content, me, meLid, fromOwnAccount, cancellationToken).ConfigureAwait(false);
        }

        var transaction = await signal.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var isNew = false;
        await using (transaction.ConfigureAwait(false))
        {
            await transaction.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                isNew = await messages.SaveInboundAsync(transaction, stored, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (isNew)
        {
            events.Publish(new MessageReceived(lineId, time.GetUtcNow(), stored!));
        }

        return [ReceiptStanzas.BuildDelivery(incoming, fromOwnAccount)];
    }

    private async Task<Node> RetryOrGiveUpAsync(IncomingMessage incoming, DeviceCredentials credentials, string reason, CancellationToken cancellationToken)
    {
        var count = _retriesSent.GetValueOrDefault(incoming.Id) + 1;
        if (count > options.MaxRetries)
        {
            _retriesSent.Remove(incoming.Id);
            LineLog.GaveUp(logger, incoming.Id, incoming.SenderDevice.ToString(), reason);
            return ReceiptStanzas.BuildAck(incoming.Node, 487);
        }

        if (_retriesSent.Count >= RetryBookkeepingLimit)
        {
            _retriesSent.Clear();
        }

        _retriesSent[incoming.Id] = count;
        LineLog.DecryptFailed(logger, incoming.Id, incoming.SenderDevice.ToString(), count, reason);
        RetryKeys? retryKeys = null;
        if (count > 1)
        {
            // From the second retry on, hand the sender a fresh bundle so it can start over with a new session.
            var preKey = keys.GeneratePreKeys(FreshPreKeyId(), 1)[0];
            await signal.PreKeys.StorePreKeysAsync([preKey], cancellationToken).ConfigureAwait(false);
            retryKeys = new RetryKeys(credentials.IdentityKey.PublicKey, preKey, credentials.SignedPreKey, credentials.AccountIdentity);
        }

        return ReceiptStanzas.BuildRetry(incoming, count, credentials.RegistrationId, retryKeys);
    }

    // Ids far above the uploaded batches' range, so a retry key never collides with one the server still hands out.
    private uint FreshPreKeyId() => 0xF00000u + (uint)RandomNumberGenerator.GetInt32(0x0FFFFF);

    private async Task<MessageRecord> RecordOf(IncomingMessage incoming, Message message, Jid me, Jid? meLid, bool fromOwnAccount, CancellationToken cancellationToken)
    {
        var sender = incoming.SenderDevice with { Device = null, Agent = null };
        string? senderPn = null;
        string? senderLid = null;
        if (sender.Server == JidServers.Lid)
        {
            senderLid = sender.ToString();
            senderPn = incoming.SenderPn is { } pn ? (pn with { Device = null, Agent = null }).ToString() : await messages.FindPnForLidAsync(senderLid, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            senderPn = sender.ToString();
            senderLid = incoming.SenderLid is { } lid ? (lid with { Device = null, Agent = null }).ToString() : await messages.FindLidForPnAsync(senderPn, cancellationToken).ConfigureAwait(false);
        }

        if (fromOwnAccount)
        {
            senderPn = new Jid(me.User, JidServers.WhatsApp).ToString();
            senderLid = meLid is { } ownLid ? (ownLid with { Device = null }).ToString() : senderLid;
        }

        var destination = message.DeviceSentMessage?.DestinationJid;
        var unwrapped = MessageContent.Unwrap(message);
        string chat;
        if (incoming.IsGroup)
        {
            chat = incoming.From.ToString();
        }
        else if (fromOwnAccount)
        {
            chat = incoming.Recipient?.ToString() ?? destination ?? senderPn!;
            if (incoming.RecipientPn is { } recipientPn && Jid.TryParse(chat, out var lidChat) && lidChat.Server == JidServers.Lid)
            {
                // Sent by LID from another of our devices: the server passes on the chat's phone number.
                var pnChat = (recipientPn with { Device = null, Agent = null }).ToString();
                await messages.SaveLidMappingAsync((lidChat with { Device = null, Agent = null }).ToString(), pnChat, cancellationToken).ConfigureAwait(false);
                chat = pnChat;
            }

            chat = await PreferPnAsync(chat, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            chat = senderPn ?? senderLid ?? sender.ToString();
        }

        return new MessageRecord
        {
            MsgId = incoming.Id,
            ChatJid = chat,
            FromMe = fromOwnAccount,
            SenderJid = senderPn ?? senderLid,
            SenderPn = senderPn,
            SenderLid = senderLid,
            Type = MessageContent.KindOf(unwrapped),
            Body = MessageContent.BodyOf(unwrapped),
            Content = unwrapped.ToByteArray(),
            TargetMsgId = MessageContent.TargetOf(unwrapped)?.Id,
            PushName = fromOwnAccount ? null : incoming.PushName,
            Timestamp = incoming.Timestamp > 0 ? DateTimeOffset.FromUnixTimeSeconds(incoming.Timestamp) : time.GetUtcNow(),
            Status = fromOwnAccount ? MessageStatus.ServerAck : MessageStatus.Received,
        };
    }

    private async Task<string> PreferPnAsync(string chat, CancellationToken cancellationToken)
    {
        if (Jid.TryParse(chat, out var jid) && jid.Server == JidServers.Lid)
        {
            return await messages.FindPnForLidAsync((jid with { Device = null }).ToString(), cancellationToken).ConfigureAwait(false) ?? chat;
        }

        return Jid.TryParse(chat, out var parsed) ? (parsed with { Device = null, Agent = null }).ToString() : chat;
    }

    private static bool IsContent(Message message)
    {
        var unwrapped = MessageContent.Unwrap(message);
        return MessageContent.KindOf(unwrapped) switch
        {
            "protocol" or "unknown" => false,
            _ => true,
        };
    }
}
