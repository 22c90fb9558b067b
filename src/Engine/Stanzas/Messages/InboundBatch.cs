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
/// Group commit of inbound messages: the <c>message</c> stanzas waiting together in the line's mailbox (a busy line)
/// are decrypted one after another over a <see cref="StagedSignalStore"/>, and their ratchet steps, the stored messages
/// and their journal rows go to the store in one transaction; only after that commit are their receipts (the server's
/// acks) returned, so a line killed before it has acked none of them and the server delivers them all again. Only
/// one-to-one messages from other accounts, one pkmsg or msg each, are batched; any other stanza (a group message, our
/// own devices' messages, a placeholder, one that does not parse), and a message whose decryption fails (retry,
/// fallback session, give-up), ends the batch: what was gathered is committed first, then that stanza goes the usual
/// way (<see cref="MessageDecryptor"/> through the router), so every message is handled in the order it came.
/// Loop only.
/// </summary>
internal sealed class InboundBatch(
    LineId lineId,
    MessageDecryptor decryptor,
    ISignalStore signal,
    IMessageStore messages,
    SignalKeyGenerator keys,
    IdentityTrust trust,
    SessionAddresses addresses,
    LineEventHub events,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The most stanzas taken into one batch.</summary>
    public const int Limit = 32;

    /// <summary>
    /// Handles <paramref name="stanzas"/> (message stanzas that waited together, in arrival order) for the line paired as
    /// <paramref name="paired"/> on a live connection; returns the outcomes to apply, in order. <paramref name="single"/>
    /// handles a stanza the usual way (the router). Without credentials or a connection every stanza goes that way.
    /// </summary>
    public async Task<IReadOnlyList<StanzaOutcome>> HandleAsync(
        IReadOnlyList<Node> stanzas, DeviceCredentials? paired, bool connected, Func<Node, ValueTask<StanzaOutcome>> single, CancellationToken cancellationToken)
    {
        var outcomes = new List<StanzaOutcome>();
        if (paired is not { Me: { } meText } credentials || !connected)
        {
            foreach (var stanza in stanzas)
            {
                outcomes.Add(await single(stanza).ConfigureAwait(false));
            }

            return outcomes;
        }

        var me = Jid.Parse(meText);
        Jid? meLid = credentials.Lid is { } lidText && Jid.TryParse(lidText, out var parsedLid) ? parsedLid : null;
        var gathered = new Gathered(new StagedSignalStore(signal));
        foreach (var stanza in stanzas)
        {
            if (Batchable(stanza, me, meLid) is not { } incoming
                || await DecryptAsync(incoming, gathered, me, meLid, cancellationToken).ConfigureAwait(false) is false)
            {
                await CommitAsync(gathered, outcomes, cancellationToken).ConfigureAwait(false);
                gathered = new Gathered(new StagedSignalStore(signal));
                outcomes.Add(await single(stanza).ConfigureAwait(false));
            }
        }

        await CommitAsync(gathered, outcomes, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>The stanza parsed, when it is a one-to-one message from another account with one pkmsg or msg; else null.</summary>
    private static IncomingMessage? Batchable(Node stanza, Jid me, Jid? meLid)
    {
        IncomingMessage incoming;
        try
        {
            incoming = MessageStanzas.Parse(stanza);
        }
        catch (StanzaException)
        {
            return null;
        }

        var sender = incoming.SenderDevice;
        var fromOwnAccount = sender.User == me.User || (meLid is { } ownLid && sender.User == ownLid.User);
        return incoming is { IsGroup: false, Unavailable: null, Parts: [{ Type: "pkmsg" or "msg" }] } && !fromOwnAccount ? incoming : null;
    }

    /// <summary>Decrypts one batchable message over the staged store; false when it must go the usual way (nothing staged then).</summary>
    private async Task<bool> DecryptAsync(IncomingMessage incoming, Gathered gathered, Jid me, Jid? meLid, CancellationToken cancellationToken)
    {
        var sender = incoming.SenderDevice;
        var part = incoming.Parts[0];
        if (sender.Server == JidServers.WhatsApp && incoming.SenderLid is { } announced)
        {
            addresses.Remember(sender, announced);
        }

        var address = await addresses.ForDeviceAsync(sender, incoming.SenderLid, cancellationToken).ConfigureAwait(false);
        var cipher = new SessionCipher(gathered.Signal, keys);
        var type = part.Type == "pkmsg" ? SignalMessageType.PreKey : SignalMessageType.Whisper;
        SignalDecryptResult result;
        byte[] unpadded;
        try
        {
            result = await trust.RunAsync(() => cipher.DecryptAsync(address, type, part.Ciphertext, cancellationToken), cancellationToken).ConfigureAwait(false);
            unpadded = WhatsAppPadding.Unpad(result.Plaintext);
        }
        catch (SignalException ex) when (ex.Kind == SignalErrorKind.Duplicate)
        {
            // Decrypted and stored before (the receipt was lost): receipt it again once the batch is stored.
            gathered.Replies.Add(ReceiptStanzas.BuildDelivery(incoming, false, decryptor.PresenceAnnounced?.Invoke() == true));
            return true;
        }
        catch (Exception ex) when (ex is SignalException or CryptoException)
        {
            // A retry, a session from before one-session-per-device, or a give-up: the usual way decides, on committed state.
            return false;
        }

        gathered.Signal.Stage(result.Changes);
        decryptor.Decrypted(incoming.Id);
        Message message;
        try
        {
            message = Message.Parser.ParseFrom(unpadded);
        }
        catch (InvalidProtocolBufferException ex)
        {
            // Decrypted, so the ratchet step stands; the content is unreadable for good: nack 491 (R7).
            LineLog.StanzaFailed(logger, "message " + incoming.Id, "decrypted but not a protobuf: " + ex.Message);
            gathered.Replies.Add(ReceiptStanzas.BuildAck(incoming.Node, ReceiptStanzas.NackInvalidProtobuf));
            return true;
        }

        if (ReceivedKinds.IsUserMessage(MessageContent.Unwrap(message)))
        {
            gathered.Records.Add(await decryptor.RecordOfAsync(incoming, message, me, meLid, fromOwnAccount: false, cancellationToken).ConfigureAwait(false));
        }

        gathered.Replies.Add(ReceiptStanzas.BuildDelivery(incoming, false, decryptor.PresenceAnnounced?.Invoke() == true));
        return true;
    }

    /// <summary>Stores what was gathered in one transaction, publishes the new messages, then adds the receipts as an outcome.</summary>
    private async Task CommitAsync(Gathered gathered, List<StanzaOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (gathered.Replies.Count == 0)
        {
            return;
        }

        var fresh = new List<MessageRecord>(gathered.Records.Count);
        if (!gathered.Signal.Staged.IsEmpty || gathered.Records.Count > 0)
        {
            var transaction = await signal.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await transaction.ApplyAsync(gathered.Signal.Staged, cancellationToken).ConfigureAwait(false);
                foreach (var record in gathered.Records)
                {
                    if (await messages.SaveInboundAsync(transaction, record, cancellationToken).ConfigureAwait(false))
                    {
                        fresh.Add(record);
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var record in fresh)
        {
            events.Publish(new MessageReceived(lineId, time.GetUtcNow(), record));
        }

        outcomes.Add(new StanzaOutcome { Replies = [.. gathered.Replies] });
    }

    /// <summary>What a batch has gathered since its last commit.</summary>
    private sealed record Gathered(StagedSignalStore Signal)
    {
        public List<MessageRecord> Records { get; } = [];

        public List<Node> Replies { get; } = [];
    }
}
