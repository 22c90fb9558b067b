using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Stanzas.Privacy;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Receipts;

/// <summary>
/// Receipts, in one place: the server's acks of our messages, delivery and read receipts moving their status, retry
/// receipts answered with a resend, and the read receipts we send. Called only on the line's loop.
/// </summary>
internal sealed class ReceiptHandler(LineOptions options, IMessageStore messages, StatusPublisher statuses, MessageEncryptor encryptor, SendPlanner planner, PrivacyTokenKeeper tokens, SentParticipantHashes hashes, TimeProvider time, ILogger logger, StatusBatch? batch = null)
{
    private readonly StatusBatch _batch = batch ?? new StatusBatch(statuses);
    private const int RetryBookkeepingLimit = 4096;
    private readonly Dictionary<string, int> _retriesHonored = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resentAfter463 = new(StringComparer.Ordinal);

    /// <summary>Where retry receipts received are counted (the line's metrics), if anywhere.</summary>
    public LineTally? Tally { get; init; }

    /// <summary>
    /// A receipt for messages we sent: delivered and read advance their status; a retry gets a resend (a fresh bundle
    /// fetched in the background when the receipt carried no keys). Every receipt is acked.
    /// </summary>
    public async Task<StanzaOutcome> HandleReceiptAsync(Node node, LineContext context)
    {
        IncomingReceipt receipt;
        try
        {
            receipt = ReceiptStanzas.Parse(node);
        }
        catch (StanzaException ex)
        {
            LineLog.StanzaFailed(logger, "receipt", ex.Message);
            return StanzaOutcome.Reply(ReceiptStanzas.BuildAck(node));
        }

        var ack = ReceiptStanzas.BuildAck(receipt.Node);
        var status = receipt.Type switch
        {
            null or "" or "inactive" => MessageStatus.DeliveryAck,
            "read" or "read-self" or "played" or "played-self" => MessageStatus.Read,
            _ => (MessageStatus?)null,
        };
        if (status is { } next)
        {
            // Batched: the store moves only our own messages, and the ack goes once the moves are stored (StatusBatch).
            var at = time.GetUtcNow();
            foreach (var id in receipt.MessageIds)
            {
                _batch.Add(new StatusUpdate(id, "", next, null, at));
            }

            _batch.AckAfterCommit(context.Generation, ack);
            return StanzaOutcome.None;
        }

        if (receipt.Type == "retry")
        {
            Tally?.RetryReceiptReceived();
        }

        if (receipt.Type != "retry" || await RetryOfAsync(receipt, context.Lifetime).ConfigureAwait(false) is not { } retry || context.Connection is not { } connection)
        {
            return StanzaOutcome.Reply(ack);
        }

        var generation = context.Generation;
        return new StanzaOutcome
        {
            Replies = [ack],
            Work =
            [
                new BackgroundWork("retry_bundle", async (mailbox, cancellationToken) =>
                {
                    PreKeyBundle? bundle = null;
                    if (retry.Keys is null)
                    {
                        var deviceJid = DeviceJid.Format(retry.Device);
                        var fetched = await planner.FetchBundlesAsync(connection, [deviceJid], cancellationToken).ConfigureAwait(false);
                        bundle = fetched.GetValueOrDefault(deviceJid);
                    }

                    await mailbox.PostAsync(new LineMail.RetryReady(generation, retry, bundle), cancellationToken).ConfigureAwait(false);
                }),
            ],
        };
    }

    /// <summary>The resend for a retry receipt, encrypted for the one device that asked.</summary>
    public async Task<StanzaOutcome> HandleRetryReadyAsync(LineMail.RetryReady mail, LineContext context)
    {
        if (context.Connection is null || context.Paired is not { } credentials)
        {
            return StanzaOutcome.None;
        }

        return StanzaOutcome.Reply(await encryptor.EncryptRetryAsync(mail.Request, mail.Bundle, credentials, context.Lifetime).ConfigureAwait(false));
    }

    /// <summary>The server's ack of a message we sent: server_ack, or failed with its error code.</summary>
    public async Task<StanzaOutcome> HandleMessageAckAsync(Node ack, LineContext context)
    {
        if (ack.Attr("id") is not { } id)
        {
            return StanzaOutcome.None;
        }

        if (ack.Attr("error") is null)
        {
            await AcceptedAsync(id, ack, context).ConfigureAwait(false);
            return StanzaOutcome.None;
        }

        if (await messages.FindAsync(id, context.Lifetime).ConfigureAwait(false) is not { FromMe: true } ours)
        {
            return StanzaOutcome.None;
        }

        hashes.Take(id);
        if (ack.Attr("error") is { } code)
        {
            // R2: a 1:1 message refused for want of a privacy token gets our token issued (once per bucket) and goes
            // out once more, carrying the token the issuance answered with; a second 463 fails it.
            if (code == "463" && context.Connection is { } connection && Jid.TryParse(ours.ChatJid, out var chat)
                && chat.Server is JidServers.WhatsApp or JidServers.Lid && !_resentAfter463.Contains(id))
            {
                if (_resentAfter463.Count >= RetryBookkeepingLimit)
                {
                    _resentAfter463.Clear();
                }

                _resentAfter463.Add(id);
                var contact = await tokens.ContactKeyAsync(ours.ChatJid, context.Lifetime).ConfigureAwait(false);
                var generation = context.Generation;
                LineLog.TokenRecovery(logger, id, contact);
                return StanzaOutcome.Run("privacy_token_463", async (mailbox, cancellationToken) =>
                {
                    await tokens.IssueAsync(connection, contact, cancellationToken).ConfigureAwait(false);
                    await mailbox.PostAsync(new LineMail.ResendAfterToken(generation, id), cancellationToken).ConfigureAwait(false);
                });
            }

            var reason = code == "463" && _resentAfter463.Contains(id)
                ? $"server error 463: {ServerErrors.Describe(code)} (our privacy token was issued and the message sent once more; refused again)"
                : $"server error {code}: {ServerErrors.Describe(code)}";
            _batch.Add(new StatusUpdate(id, ours.ChatJid, MessageStatus.Failed, reason, time.GetUtcNow()));
        }

        return StanzaOutcome.None;
    }

    /// <summary>
    /// The server accepted our message: server_ack joins the batch (the store moves only our own messages, so no look-up
    /// first). R16: a server phash that differs from ours means a device list we sent by was stale: drop it, so the next
    /// message fetches it afresh.
    /// </summary>
    private async Task AcceptedAsync(string id, Node ack, LineContext context)
    {
        if (hashes.Take(id) is { } written && ack.Attr("phash") is { } serverHash && serverHash != written.Hash)
        {
            LineLog.ParticipantHashDiffers(logger, id, written.Hash, serverHash);
            foreach (var user in written.Users)
            {
                await messages.ForgetDeviceListAsync(user, context.Lifetime).ConfigureAwait(false);
            }
        }

        _batch.Add(new StatusUpdate(id, "", MessageStatus.ServerAck, null, time.GetUtcNow()));
    }

    /// <summary>
    /// Read receipts for inbound messages of one chat (those named, or its unread ones): one receipt per address and
    /// sender (a group's participants each get their own), addressed where the messages came from, <c>read-self</c> when
    /// the account's read receipts are off (R13); then the messages are marked read and the chat's unread count drops.
    /// Returns the outcome and how many messages the receipts cover.
    /// </summary>
    /// <exception cref="LineException">WrongState when the line is not connected.</exception>
    public async Task<(StanzaOutcome Outcome, int Count)> SendReadAsync(LineMail.MarkRead mail, LineContext context)
    {
        if (!context.LoggedIn)
        {
            throw new LineException(LineErrorKind.WrongState, $"Line {context.LineId} is {context.Status.ToName()}: read receipts need a connected line.");
        }

        var targets = await messages.FindReadTargetsAsync(mail.ChatJid, mail.MessageIds, context.Lifetime).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var receipts = targets
            .GroupBy(t => (t.To, t.Participant))
            .Select(same => ReceiptStanzas.BuildRead(same.Key.To, same.Key.Participant, same.Select(t => t.MsgId).Distinct(StringComparer.Ordinal).ToList(), now, mail.ReadSelf))
            .ToArray();
        await messages.MarkMessagesReadAsync(mail.ChatJid, [.. targets.Select(t => t.MsgId).Distinct(StringComparer.Ordinal)], mail.MessageIds is null, now, context.Lifetime).ConfigureAwait(false);
        return (StanzaOutcome.Reply(receipts), targets.Count);
    }

    private async Task<RetryRequest?> RetryOfAsync(IncomingReceipt receipt, CancellationToken cancellationToken)
    {
        var msgId = receipt.MessageIds[0];
        var original = await messages.FindAsync(msgId, cancellationToken).ConfigureAwait(false);
        var key = msgId + "/" + receipt.Device;
        var honored = _retriesHonored.GetValueOrDefault(key);
        if (original is not { FromMe: true } || honored >= options.MaxRetries)
        {
            LineLog.RetryIgnored(logger, msgId, receipt.Device.ToString(), original is null ? "unknown message" : "too many retries");
            return null;
        }

        // Bounded bookkeeping: a long-running line must not grow it forever (a reset only allows a few extra retries).
        if (_retriesHonored.Count >= RetryBookkeepingLimit)
        {
            _retriesHonored.Clear();
        }

        _retriesHonored[key] = honored + 1;
        return new RetryRequest(original, receipt.Device, receipt.Keys, receipt.RetryCount);
    }
}
