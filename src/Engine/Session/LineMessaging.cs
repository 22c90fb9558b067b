using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Stanzas.Receipts;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Session;

/// <summary>
/// The Signal-touching half of messaging, called only from the actor loop: decrypting, storing and answering incoming
/// messages; encrypting outgoing ones for the devices a <see cref="SendPlan"/> names; receipts, acks and retries.
/// Every decrypt commits its ratchet step together with the stored message, and only then is the message receipted,
/// so a crash before the commit means the server redelivers and a crash after means the store dedupes.
/// </summary>
internal sealed partial class LineMessaging(LineId lineId, LineOptions options, ISignalStore signal, IMessageStore messages, SignalKeyGenerator keys, LineEventHub events, TimeProvider time, ILogger logger)
{
    private const int RetryBookkeepingLimit = 4096;
    private readonly Dictionary<string, int> _retriesSent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _retriesHonored = new(StringComparer.Ordinal);

    /// <summary>The line's message store.</summary>
    public IMessageStore Messages => messages;

    /// <summary>A new message id in WhatsApp's format (<c>3EB0</c> + 18 uppercase hex digits).</summary>
    public string NewMessageId(string? ownUser)
    {
        Span<byte> input = stackalloc byte[8 + 64 + 16];
        BinaryPrimitives.WriteUInt64BigEndian(input, (ulong)time.GetUtcNow().ToUnixTimeSeconds());
        var user = Encoding.UTF8.GetBytes((ownUser ?? "") + "@c.us");
        var userLength = Math.Min(user.Length, 64);
        user.AsSpan(0, userLength).CopyTo(input[8..]);
        RandomNumberGenerator.Fill(input.Slice(8 + userLength, 16));
        var hash = SHA256.HashData(input[..(8 + userLength + 16)]);
        return "3EB0" + Convert.ToHexString(hash, 0, 9);
    }

    /// <summary>Stores a new outbound message as queued and publishes the status.</summary>
    public async Task<MessageRecord> QueueAsync(string chatJid, Message content, DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        var me = Jid.Parse(credentials.Me!);
        var now = time.GetUtcNow();
        var record = new MessageRecord
        {
            MsgId = NewMessageId(me.User),
            ChatJid = chatJid,
            FromMe = true,
            SenderJid = new Jid(me.User, JidServers.WhatsApp).ToString(),
            SenderPn = new Jid(me.User, JidServers.WhatsApp).ToString(),
            SenderLid = credentials.Lid is { } lid && Jid.TryParse(lid, out var lidJid) ? (lidJid with { Device = null }).ToString() : null,
            Type = MessageContent.KindOf(content),
            Body = MessageContent.BodyOf(content),
            Content = content.ToByteArray(),
            TargetMsgId = MessageContent.TargetOf(content)?.Id,
            Timestamp = now,
            Status = MessageStatus.Queued,
        };
        await messages.SaveOutboundAsync(record, chatJid, now + options.OutboundExpiry, cancellationToken).ConfigureAwait(false);
        events.Publish(new MessageStatusChanged(lineId, now, record.MsgId, chatJid, MessageStatus.Queued, null));
        return record;
    }

    /// <summary>Publishes a status change the store already recorded.</summary>
    public void Publish(string msgId, string chatJid, MessageStatus status, string? error) =>
        events.Publish(new MessageStatusChanged(lineId, time.GetUtcNow(), msgId, chatJid, status, error));

    /// <summary>Moves our message to <paramref name="status"/> (when that is progress) and publishes the change.</summary>
    public async Task AdvanceAsync(string msgId, string chatJid, MessageStatus status, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await messages.UpdateStatusAsync(msgId, status, error, now, cancellationToken).ConfigureAwait(false))
        {
            events.Publish(new MessageStatusChanged(lineId, now, msgId, chatJid, status, error));
        }
    }

    /// <summary>
    /// Builds sessions from the plan's bundles, encrypts <paramref name="entry"/> for every target (our own devices get
    /// it wrapped as device-sent), commits the ratchet steps, and returns the stanza to send.
    /// </summary>
    public async Task<Node> EncryptAsync(OutboundEntry entry, SendPlan plan, DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        var cipher = new SessionCipher(signal, keys);
        var content = Message.Parser.ParseFrom(entry.Message.Content);
        var plain = WhatsAppPadding.Pad(entry.Message.Content, SecureRandomSource.Instance);
        var sentCopy = WhatsAppPadding.Pad(DeviceSentCopy(content, entry.ToJid).ToByteArray(), SecureRandomSource.Instance);
        var hide = entry.Message.Type is "reaction" or "edit" or "revoke";
        var participants = new List<Node>(plan.Targets.Count);
        var setup = new SignalStateChange();
        foreach (var (address, bundle) in plan.Bundles)
        {
            setup.Merge(await TrustingAsync(() => cipher.ProcessPreKeyBundleAsync(address, bundle, cancellationToken), cancellationToken).ConfigureAwait(false));
        }

        // Sessions built from fresh bundles must be visible to the encrypts below: commit them first.
        if (!setup.IsEmpty)
        {
            await signal.CommitAsync(setup, cancellationToken).ConfigureAwait(false);
        }

        foreach (var target in plan.Targets)
        {
            var encrypted = await cipher.EncryptAsync(target.Address, target.Own ? sentCopy : plain, cancellationToken).ConfigureAwait(false);
            await signal.CommitAsync(encrypted.Changes, cancellationToken).ConfigureAwait(false);
            participants.Add(MessageStanzas.BuildParticipant(target.DeviceJid, encrypted, MediaTypeOf(content), hide));
        }

        return MessageStanzas.BuildMessage(
            entry.Message.MsgId, entry.ToJid, MessageContent.StanzaTypeOf(content), MessageContent.EditAttributeOf(content), participants, credentials.AccountIdentity);
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
                        var result = await TrustingAsync(() => pairwise.DecryptAsync(senderAddress, type, part.Ciphertext, cancellationToken), cancellationToken).ConfigureAwait(false);
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
                        LogUnknownPart(incoming.Id, part.Type);
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

    /// <summary>
    /// Handles a receipt for messages we sent: delivered and read advance their status; a retry is returned so the
    /// actor resends. Every receipt is acked.
    /// </summary>
    public async Task<(Node Ack, RetryRequest? Retry)> HandleReceiptAsync(IncomingReceipt receipt, CancellationToken cancellationToken)
    {
        var ack = ReceiptStanzas.BuildAck(receipt.Node);
        var status = receipt.Type switch
        {
            null or "" or "inactive" => MessageStatus.DeliveryAck,
            "read" or "read-self" or "played" or "played-self" => MessageStatus.Read,
            _ => (MessageStatus?)null,
        };
        if (status is { } next)
        {
            foreach (var id in receipt.MessageIds)
            {
                if (await messages.FindAsync(id, cancellationToken).ConfigureAwait(false) is { FromMe: true } ours)
                {
                    await AdvanceAsync(id, ours.ChatJid, next, null, cancellationToken).ConfigureAwait(false);
                }
            }

            return (ack, null);
        }

        if (receipt.Type != "retry")
        {
            return (ack, null);
        }

        var msgId = receipt.MessageIds[0];
        var original = await messages.FindAsync(msgId, cancellationToken).ConfigureAwait(false);
        var key = msgId + "/" + receipt.Device;
        var honored = _retriesHonored.GetValueOrDefault(key);
        if (original is not { FromMe: true } || honored >= options.MaxRetries)
        {
            LogRetryIgnored(msgId, receipt.Device.ToString(), original is null ? "unknown message" : "too many retries");
            return (ack, null);
        }

        // Bounded bookkeeping: a long-running line must not grow it forever (a reset only allows a few extra retries).
        if (_retriesHonored.Count >= RetryBookkeepingLimit)
        {
            _retriesHonored.Clear();
        }

        _retriesHonored[key] = honored + 1;
        return (ack, new RetryRequest(original, receipt.Device, receipt.Keys, receipt.RetryCount));
    }

    /// <summary>Re-encrypts our message for the one device that asked (building a new session from its keys or a fresh bundle).</summary>
    public async Task<Node> EncryptRetryAsync(RetryRequest retry, PreKeyBundle? bundle, DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        var cipher = new SessionCipher(signal, keys);
        var address = SendPlanner.AddressOf(retry.Device);
        if ((retry.Keys ?? bundle) is { } fresh)
        {
            var setup = await TrustingAsync(() => cipher.ProcessPreKeyBundleAsync(address, fresh, cancellationToken), cancellationToken).ConfigureAwait(false);
            await signal.CommitAsync(setup, cancellationToken).ConfigureAwait(false);
        }

        var me = Jid.Parse(credentials.Me!);
        var own = retry.Device.User == me.User;
        var content = Message.Parser.ParseFrom(retry.Message.Content);
        var plain = own ? DeviceSentCopy(content, retry.Message.ChatJid).ToByteArray() : retry.Message.Content;
        var encrypted = await cipher.EncryptAsync(address, WhatsAppPadding.Pad(plain, SecureRandomSource.Instance), cancellationToken).ConfigureAwait(false);
        await signal.CommitAsync(encrypted.Changes, cancellationToken).ConfigureAwait(false);
        var deviceJid = (retry.Device.Device ?? 0) == 0 ? (retry.Device with { Device = null }).ToString() : retry.Device.ToString();
        LogRetryResent(retry.Message.MsgId, deviceJid, retry.Count);
        return MessageStanzas.BuildRetryResend(
            retry.Message.MsgId, deviceJid, own ? retry.Message.ChatJid : null, MessageContent.StanzaTypeOf(content), MessageContent.EditAttributeOf(content),
            encrypted, Math.Max(retry.Count, 1), credentials.AccountIdentity);
    }

    /// <summary>The server's ack of a message we sent: server_ack, or failed with its error code.</summary>
    public async Task HandleMessageAckAsync(Node ack, CancellationToken cancellationToken)
    {
        if (ack.Attr("id") is not { } id || await messages.FindAsync(id, cancellationToken).ConfigureAwait(false) is not { FromMe: true } ours)
        {
            return;
        }

        if (ack.Attr("error") is { } code)
        {
            await AdvanceAsync(id, ours.ChatJid, MessageStatus.Failed, $"server error {code}: {ServerErrors.Describe(code)}", cancellationToken).ConfigureAwait(false);
            return;
        }

        await AdvanceAsync(id, ours.ChatJid, MessageStatus.ServerAck, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a cipher step; when the peer's identity key changed (reinstall, new phone) the new key is trusted, as WhatsApp
    /// clients do (they show "security code changed"), and the step runs once more.
    /// </summary>
    private async Task<T> TrustingAsync<T>(Func<Task<T>> step, CancellationToken cancellationToken)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (SignalException ex) when (ex is { Kind: SignalErrorKind.UntrustedIdentity, Address: { } address, IdentityKey: { } key })
        {
            LogIdentityChanged(address.ToString());
            await signal.CommitAsync(SignalStateChange.TrustIdentity(address, key), cancellationToken).ConfigureAwait(false);
            return await step().ConfigureAwait(false);
        }
    }

    private async Task<Node> RetryOrGiveUpAsync(IncomingMessage incoming, DeviceCredentials credentials, string reason, CancellationToken cancellationToken)
    {
        var count = _retriesSent.GetValueOrDefault(incoming.Id) + 1;
        if (count > options.MaxRetries)
        {
            _retriesSent.Remove(incoming.Id);
            LogGaveUp(incoming.Id, incoming.SenderDevice.ToString(), reason);
            return ReceiptStanzas.BuildAck(incoming.Node, 487);
        }

        if (_retriesSent.Count >= RetryBookkeepingLimit)
        {
            _retriesSent.Clear();
        }

        _retriesSent[incoming.Id] = count;
        LogDecryptFailed(incoming.Id, incoming.SenderDevice.ToString(), count, reason);
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

    private static Message DeviceSentCopy(Message content, string destination) => new()
    {
        DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = destination, Message = content },
        MessageContextInfo = content.MessageContextInfo,
    };

    private static string? MediaTypeOf(Message content) => MessageContent.KindOf(content) switch
    {
        "image" => "image",
        "video" => "video",
        "audio" => content.AudioMessage?.Ptt == true ? "ptt" : "audio",
        "document" => "document",
        "sticker" => "sticker",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity key of {Address} changed; the new key is trusted")]
    private partial void LogIdentityChanged(string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not decrypt message {Id} from {Sender} ({Reason}); sent retry receipt {Count}")]
    private partial void LogDecryptFailed(string id, string sender, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up on message {Id} from {Sender} after the last retry: {Reason}")]
    private partial void LogGaveUp(string id, string sender, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {Id} has a part of unknown type {Type}; skipped")]
    private partial void LogUnknownPart(string id, string type);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resent message {Id} to {Device} (retry {Count})")]
    private partial void LogRetryResent(string id, string device, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a retry receipt for {Id} from {Device}: {Reason}")]
    private partial void LogRetryIgnored(string id, string device, string reason);
}
