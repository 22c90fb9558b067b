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
internal sealed class MessageDecryptor(LineId lineId, LineOptions options, ISignalStore signal, IMessageStore messages, SignalKeyGenerator keys, IdentityTrust trust, LineEventHub events, TimeProvider time, ILogger logger, PlaceholderResender? placeholders = null, SessionAddresses? sessionAddresses = null)
{
    private const int RetryBookkeepingLimit = 4096;
    private readonly Dictionary<string, int> _retriesSent = new(StringComparer.Ordinal);
    private readonly SessionAddresses _addresses = sessionAddresses ?? new SessionAddresses(signal, messages, logger);

    /// <summary>Whether the line announced itself available on this connection: delivery receipts are then active, else <c>inactive</c> (R13).</summary>
    public Func<bool>? PresenceAnnounced { get; init; }

    /// <summary>A <c>message</c> stanza: parsed (a malformed one is nacked 487), decrypted, stored, answered (R7: content that is not a protobuf is nacked 491).</summary>
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
            return StanzaOutcome.Reply(ReceiptStanzas.BuildAck(node, ReceiptStanzas.NackGaveUp));
        }

        if (incoming.Parts.Count == 0 && incoming.Unavailable is not null && placeholders is not null)
        {
            return placeholders.Handle(incoming, context);
        }

        var replies = await ReceiveAsync(incoming, credentials, context.Lifetime).ConfigureAwait(false);
        if (placeholders is not null && IsGiveUp(replies))
        {
            // Undecryptable for good (R7's 487): our phone decrypted its own copy, so ask it for the message (R15).
            return placeholders.Handle(incoming, context) with { Replies = replies };
        }

        return new StanzaOutcome { Replies = replies };
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
        var unparsable = false;
        var historySync = false;
        var resent = new List<WebMessageInfo>();

        // A one-part message (every one-to-one message) commits its ratchet step only with the stored message. Parts of
        // a group message depend on each other, so their steps are committed as they go.
        var multipart = incoming.Parts.Count > 1;
        var senderAddress = SendPlanner.AddressOf(sender);
        var lidHint = incoming.SenderLid is { } senderLid ? senderLid : fromOwnAccount ? meLid : null;
        if (sender.Server == JidServers.WhatsApp && incoming.SenderLid is { } announced)
        {
            _addresses.Remember(sender, announced);
        }

        var pairwiseAddress = await _addresses.ForDeviceAsync(sender, lidHint, cancellationToken).ConfigureAwait(false);
        SignalAddress? adopted = null;
        try
        {
            foreach (var part in incoming.Parts)
            {
                byte[] plaintext;
                switch (part.Type)
                {
                    case "pkmsg" or "msg":
                        var type = part.Type == "pkmsg" ? SignalMessageType.PreKey : SignalMessageType.Whisper;
                        SignalDecryptResult result;
                        try
                        {
                            result = await trust.RunAsync(() => pairwise.DecryptAsync(pairwiseAddress, type, part.Ciphertext, cancellationToken), cancellationToken).ConfigureAwait(false);
                        }
                        catch (SignalException ex) when (ex.Kind == SignalErrorKind.Duplicate && multipart)
                        {
                            // Read and committed on an earlier delivery whose later parts were not (a crash or a full
                            // disk before the message's own commit): what it carried (the sender key) is stored, and
                            // the later parts decide — the skmsg is a duplicate too only if the message was stored.
                            continue;
                        }
                        catch (SignalException ex) when (ex.Kind is not (SignalErrorKind.Duplicate or SignalErrorKind.UntrustedIdentity))
                        {
                            // A store from before one-session-per-device: the peer may still be on the phone-number session.
                            if (await _addresses.FallbackAsync(sender, pairwiseAddress, cancellationToken).ConfigureAwait(false) is not { } fallback)
                            {
                                throw;
                            }

                            result = await trust.RunAsync(() => pairwise.DecryptAsync(fallback, type, part.Ciphertext, cancellationToken), cancellationToken).ConfigureAwait(false);
                            adopted = fallback;
                        }

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

                var unpadded = WhatsAppPadding.Unpad(plaintext);
                Message message;
                try
                {
                    message = Message.Parser.ParseFrom(unpadded);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    // Decrypted, so the ratchet step stands; the content is unreadable for good: nack 491 (R7).
                    LineLog.StanzaFailed(logger, "message " + incoming.Id, "decrypted but not a protobuf: " + ex.Message);
                    unparsable = true;
                    continue;
                }

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

                historySync |= message.ProtocolMessage?.Type == Message.Types.ProtocolMessage.Types.Type.HistorySyncNotification;
                if (fromOwnAccount && message.ProtocolMessage?.HistorySyncNotification is { } history)
                {
                    await Privacy.NctSalt.StoreFromAsync(history, messages, logger, cancellationToken).ConfigureAwait(false); // R2: the cstoken's key
                }

                if (fromOwnAccount && message.ProtocolMessage?.LidMigrationMappingSyncMessage is { } lidSync)
                {
                    await Lids.LidMigrationSync.StoreFromAsync(lidSync, messages, logger, cancellationToken).ConfigureAwait(false); // R1: DMs by LID from now on
                }

                if (fromOwnAccount && message.ProtocolMessage?.PeerDataOperationRequestResponseMessage is { } response)
                {
                    resent.AddRange(ResentMessages(incoming.Id, response));
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
            return [ReceiptStanzas.BuildDelivery(incoming, fromOwnAccount, PresenceAnnounced?.Invoke() == true)];
        }
        catch (Exception ex) when (ex is SignalException or CryptoException)
        {
            return await RetryOrGiveUpAsync(incoming, credentials, ex, cancellationToken).ConfigureAwait(false);
        }

        Decrypted(incoming.Id);

        MessageRecord? stored = null;
        if (content is not null)
        {
            stored = await RecordOfAsync(incoming, content, me, meLid, fromOwnAccount, cancellationToken).ConfigureAwait(false);
        }

        var records = new List<MessageRecord>();
        if (stored is not null)
        {
            records.Add(stored);
        }

        foreach (var info in resent)
        {
            records.Add(await ResentRecordAsync(info, me, meLid, cancellationToken).ConfigureAwait(false));
        }

        var transaction = await signal.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var fresh = new List<MessageRecord>();
        await using (transaction.ConfigureAwait(false))
        {
            await transaction.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            foreach (var record in records)
            {
                if (await messages.SaveInboundAsync(transaction, record, cancellationToken).ConfigureAwait(false))
                {
                    fresh.Add(record);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (adopted is { } usedFallback)
        {
            await _addresses.AdoptAsync(usedFallback, pairwiseAddress, cancellationToken).ConfigureAwait(false);
        }

        foreach (var record in fresh)
        {
            events.Publish(new MessageReceived(lineId, time.GetUtcNow(), record));
        }

        if (unparsable && content is null)
        {
            return [ReceiptStanzas.BuildAck(incoming.Node, ReceiptStanzas.NackInvalidProtobuf)];
        }

        var delivery = ReceiptStanzas.BuildDelivery(incoming, fromOwnAccount, PresenceAnnounced?.Invoke() == true);
        return historySync && fromOwnAccount ? [delivery, ReceiptStanzas.BuildHistorySync(incoming.Id, me)] : [delivery];
    }

    /// <summary>
    /// A message that did not decrypt: a retry receipt and an ack (the server keeps a message unacked until then, R6 and
    /// R7; W:message.go decryptMessages), or, after <see cref="LineOptions.MaxRetries"/> retries, the give-up nack 487.
    /// </summary>
    private async Task<IReadOnlyList<Node>> RetryOrGiveUpAsync(IncomingMessage incoming, DeviceCredentials credentials, Exception failure, CancellationToken cancellationToken)
    {
        var reason = failure.Message;
        var count = _retriesSent.GetValueOrDefault(incoming.Id) + 1;
        events.Tally.DecryptFailed(DecryptFailureKinds.Of(failure), retrySent: count <= options.MaxRetries);
        if (count > options.MaxRetries)
        {
            _retriesSent.Remove(incoming.Id);
            LineLog.GaveUp(logger, incoming.Id, incoming.SenderDevice.ToString(), reason);
            return [ReceiptStanzas.BuildAck(incoming.Node, ReceiptStanzas.NackGaveUp)];
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

        return [ReceiptStanzas.BuildRetry(incoming, count, credentials.RegistrationId, retryKeys), ReceiptStanzas.BuildAck(incoming.Node)];
    }

    private static bool IsGiveUp(IReadOnlyList<Node> replies) =>
        replies is [{ Tag: "ack" } only] && only.Attr("error") == ReceiptStanzas.NackGaveUp.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Ids far above the uploaded batches' range, so a retry key never collides with one the server still hands out.
    private uint FreshPreKeyId() => 0xF00000u + (uint)RandomNumberGenerator.GetInt32(0x0FFFFF);

    /// <summary>A message decrypted: a retry receipt sent for it earlier has done its work (counted).</summary>
    internal void Decrypted(string msgId)
    {
        if (_retriesSent.Remove(msgId))
        {
            events.Tally.DecryptRecoveredAfterRetry();
        }
    }

    /// <summary>The stored form of a decrypted message (chat, sender's phone number and LID, kind, body).</summary>
    internal async Task<MessageRecord> RecordOfAsync(IncomingMessage incoming, Message message, Jid me, Jid? meLid, bool fromOwnAccount, CancellationToken cancellationToken)
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
        var unwrapped = ReceivedKinds.WithSecret(message, MessageContent.Unwrap(message));
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

        var record = new MessageRecord
        {
            MsgId = incoming.Id,
            ChatJid = chat,
            FromMe = fromOwnAccount,
            SenderJid = senderPn ?? senderLid,
            SenderPn = senderPn,
            SenderLid = senderLid,
            OriginJid = incoming.IsGroup || fromOwnAccount ? null : sender.ToString(),
            Type = MessageContent.KindOf(unwrapped),
            Body = MessageContent.BodyOf(unwrapped),
            Content = unwrapped.ToByteArray(),
            TargetMsgId = MessageContent.TargetOf(unwrapped)?.Id,
            PushName = fromOwnAccount ? null : incoming.PushName,
            Timestamp = incoming.Timestamp > 0 ? DateTimeOffset.FromUnixTimeSeconds(incoming.Timestamp) : time.GetUtcNow(),
            Status = fromOwnAccount ? MessageStatus.ServerAck : MessageStatus.Received,
        };
        return await ReceivedKinds.CompleteAsync(record, unwrapped, me, meLid, messages, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The messages our phone resent in answer to a placeholder resend (R15); a result that does not parse is logged and skipped.</summary>
    private IEnumerable<WebMessageInfo> ResentMessages(string id, Message.Types.PeerDataOperationRequestResponseMessage response)
    {
        foreach (var result in response.PeerDataOperationResult)
        {
            if (result.PlaceholderMessageResendResponse is not { WebMessageInfoBytes.Length: > 0 } resend)
            {
                continue;
            }

            WebMessageInfo info;
            try
            {
                info = WebMessageInfo.Parser.ParseFrom(resend.WebMessageInfoBytes);
            }
            catch (InvalidProtocolBufferException ex)
            {
                LineLog.StanzaFailed(logger, "placeholder resend in " + id, "not a WebMessageInfo: " + ex.Message);
                continue;
            }

            if (info.Key is { HasId: true, HasRemoteJid: true } && info.Message is not null && Jid.TryParse(info.Key.RemoteJid, out _))
            {
                yield return info;
            }
            else
            {
                LineLog.StanzaFailed(logger, "placeholder resend in " + id, "a WebMessageInfo without key, chat or message");
            }
        }
    }

    /// <summary>A message our phone resent, as stored: filed under its original id and chat (R15).</summary>
    private async Task<MessageRecord> ResentRecordAsync(WebMessageInfo info, Jid me, Jid? meLid, CancellationToken cancellationToken)
    {
        var chat = Jid.Parse(info.Key.RemoteJid) with { Device = null, Agent = null };
        var fromMe = info.Key.FromMe;
        var group = chat.Server is JidServers.Group or JidServers.Broadcast;
        var senderText = fromMe ? new Jid(me.User, JidServers.WhatsApp).ToString()
            : group ? (info.Key.HasParticipant ? info.Key.Participant : info.Participant)
            : chat.ToString();
        string? senderPn = null;
        string? senderLid = null;
        if (Jid.TryParse(senderText, out var sender))
        {
            sender = sender with { Device = null, Agent = null };
            if (sender.Server == JidServers.Lid)
            {
                senderLid = sender.ToString();
                senderPn = await messages.FindPnForLidAsync(senderLid, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                senderPn = sender.ToString();
                senderLid = fromMe && meLid is { } ownLid ? (ownLid with { Device = null }).ToString() : await messages.FindLidForPnAsync(senderPn, cancellationToken).ConfigureAwait(false);
            }
        }

        var unwrapped = MessageContent.Unwrap(info.Message);
        var record = new MessageRecord
        {
            MsgId = info.Key.Id,
            ChatJid = group ? chat.ToString() : await PreferPnAsync(chat.ToString(), cancellationToken).ConfigureAwait(false),
            FromMe = fromMe,
            SenderJid = senderPn ?? senderLid,
            SenderPn = senderPn,
            SenderLid = senderLid,
            Type = MessageContent.KindOf(unwrapped),
            Body = MessageContent.BodyOf(unwrapped),
            Content = unwrapped.ToByteArray(),
            TargetMsgId = MessageContent.TargetOf(unwrapped)?.Id,
            PushName = fromMe || !info.HasPushName ? null : info.PushName,
            Timestamp = info.MessageTimestamp > 0 ? DateTimeOffset.FromUnixTimeSeconds((long)info.MessageTimestamp) : time.GetUtcNow(),
            Status = fromMe ? MessageStatus.ServerAck : MessageStatus.Received,
        };
        return await ReceivedKinds.CompleteAsync(record, unwrapped, me, meLid, messages, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> PreferPnAsync(string chat, CancellationToken cancellationToken)
    {
        if (Jid.TryParse(chat, out var jid) && jid.Server == JidServers.Lid)
        {
            return await messages.FindPnForLidAsync((jid with { Device = null }).ToString(), cancellationToken).ConfigureAwait(false) ?? chat;
        }

        return Jid.TryParse(chat, out var parsed) ? (parsed with { Device = null, Agent = null }).ToString() : chat;
    }

    private static bool IsContent(Message message) => ReceivedKinds.IsUserMessage(MessageContent.Unwrap(message));
}
