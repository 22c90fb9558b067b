using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Presence;
using WaEngine.Engine.Stanzas.Privacy;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The line's durable send queue, end to end. Enqueueing stores a message as <c>queued</c>. While the line is logged
/// in, one pass at a time walks the queue oldest first in the background: expired messages fail, the rest are marked
/// <c>sending</c> and planned (device lists, bundles), and each plan goes to the line's loop as
/// <see cref="LineMail.PlanReady"/>, where it is encrypted and written (<see cref="HandlePlanReadyAsync"/>). Up to
/// <see cref="InFlight"/> planned messages wait for the loop at once; the loop takes them in queue order, so the order
/// within every chat is kept, and their <c>sent</c> statuses join the line's <see cref="StatusBatch"/> (stored in one
/// transaction with the server's acks and the receipts gathered meanwhile). Under the line's
/// <see cref="SendPacing"/> the pass stores when each message is due and writes one at a time, waiting its turn
/// (<see cref="SendPacer"/>); the wait is the pass's, in the background, so the loop and other lines go on. A lost connection ends the pass; what was not written stays queued and goes out after
/// the next login (same id, so peers dedupe). While the line cannot send, a sweep timer expires what waits too long.
/// Everything but the pass itself runs on the line's loop.
/// </summary>
internal sealed class OutboundQueue(LineOptions options, IMessageStore messages, SendPlanner planner, MessageEncryptor encryptor, PrivacyTokenKeeper tokens, SentParticipantHashes hashes, StatusPublisher statuses, SendPacer pacer, TimeProvider time, ILogger logger, UnackedSends? unacked = null, StatusBatch? batch = null, PacedTyping? typing = null)
{
    /// <summary>Planned messages that may wait for the loop at once.</summary>
    public const int InFlight = 32;

    /// <summary>Written messages that may wait for the server's ack at once before the pass waits (<see cref="UnackedSends.WaitForRoomAsync"/>).</summary>
    public const int UnackedLimit = 512;

    /// <summary>Send commands stored in one transaction at most (those waiting together in the mailbox).</summary>
    public const int EnqueueBatch = 64;

    /// <summary>How long after a pass failed (on anything but a full disk or a lost connection) the queue tries again.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    private const string Expired = "expired: not sent within the queue's time limit";
    private bool _passRunning;
    private bool _passAgain;
    private bool _resendAfterLogin;
    private bool _sweeping;
    private readonly StatusBatch _batch = batch ?? new StatusBatch(statuses);
    private readonly HashSet<string> _resendIds = new(StringComparer.Ordinal);
    private readonly OutboundPreparation _preparation = new(options.OutgoingPreparer, messages, logger);
    private DateTimeOffset? _wakeAt;

    /// <summary>
    /// A send command: the message is stored as queued and the caller gets it back (or why not: WrongState when the
    /// line is not paired, or is stopped, logged out or failed); a pass starts when the line can send.
    /// </summary>
    public async Task<StanzaOutcome> EnqueueAsync(LineMail.QueueSend mail, LineContext context)
    {
        try
        {
            var record = await StoreAsync(mail.ToJid, mail.Content, mail.State, mail.Prepare, context).ConfigureAwait(false);
            return Kick(context) with { Completed = () => mail.Done.TrySetResult(record) };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            mail.Done.TrySetException(ex);
            return StanzaOutcome.None;
        }
    }

    /// <summary>
    /// Several send commands that waited in the mailbox together (concurrent callers): stored in one transaction (a
    /// group commit), each caller answered as <see cref="EnqueueAsync(LineMail.QueueSend, LineContext)"/> answers one.
    /// Should the batch fail, each is stored alone, so only the one at fault fails.
    /// </summary>
    public async Task<StanzaOutcome> EnqueueAsync(IReadOnlyList<LineMail.QueueSend> mails, LineContext context)
    {
        if (mails.Count == 1)
        {
            return await EnqueueAsync(mails[0], context).ConfigureAwait(false);
        }

        MessageRecord[] records;
        try
        {
            var now = time.GetUtcNow();
            records = [.. mails.Select(mail => Draft(mail.ToJid, mail.Content, context))];
            await messages.SaveOutboundBatchAsync(
                [.. mails.Select((mail, i) => new OutboundDraft(records[i], mail.ToJid, now + options.OutboundExpiry, mail.State is null ? null : mail.State with { ContactJid = mail.ToJid }) { Prepare = mail.Prepare })],
                context.Lifetime).ConfigureAwait(false);
        }
        catch (LineException ex)
        {
            foreach (var mail in mails)
            {
                mail.Done.TrySetException(ex);
            }

            return StanzaOutcome.None;
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or OperationCanceledException))
        {
            foreach (var mail in mails)
            {
                try
                {
                    var record = await StoreAsync(mail.ToJid, mail.Content, mail.State, mail.Prepare, context).ConfigureAwait(false);
                    mail.Done.TrySetResult(record);
                }
                catch (Exception one) when (one is not OutOfMemoryException)
                {
                    mail.Done.TrySetException(one);
                }
            }

            return Kick(context);
        }

        for (var i = 0; i < records.Length; i++)
        {
            statuses.Publish(records[i].MsgId, records[i].ChatJid, MessageStatus.Queued, null);
        }

        return Kick(context) with
        {
            Completed = () =>
            {
                for (var i = 0; i < records.Length; i++)
                {
                    mails[i].Done.TrySetResult(records[i]);
                }
            },
        };
    }

    private async Task<MessageRecord> StoreAsync(string chatJid, Proto.Message content, ReplyState? state, string? prepare, LineContext context)
    {
        var record = Draft(chatJid, content, context);
        var routed = state is null ? null : state with { ContactJid = chatJid };
        if (prepare is null)
        {
            await messages.SaveOutboundAsync(record, chatJid, record.Timestamp + options.OutboundExpiry, routed, context.Lifetime).ConfigureAwait(false);
        }
        else
        {
            await messages.SaveOutboundBatchAsync([new OutboundDraft(record, chatJid, record.Timestamp + options.OutboundExpiry, routed) { Prepare = prepare }], context.Lifetime).ConfigureAwait(false);
        }

        statuses.Publish(record.MsgId, chatJid, MessageStatus.Queued, null);
        return record;
    }

    /// <summary>The queued record of a new message (or why the line cannot queue: WrongState).</summary>
    private MessageRecord Draft(string chatJid, Proto.Message content, LineContext context)
    {
        var refusal = SendReadiness.Refusal(context.LineId, context.Status, context.Paired is not null, context.StartExpected);
        if (refusal is not null || context.Paired is not { } credentials)
        {
            throw new LineException(LineErrorKind.WrongState, refusal ?? $"Line {context.LineId} is not paired.");
        }

        var me = Jid.Parse(credentials.Me!);
        var now = time.GetUtcNow();
        return new MessageRecord
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
    }

    /// <summary>
    /// Starts a pass when the line can send (or marks that another is needed), else makes sure the expiry sweep runs.
    /// <paramref name="afterLogin"/>: the first pass on a new connection also resends what an earlier socket took but
    /// the server never acknowledged.
    /// </summary>
    public StanzaOutcome Kick(LineContext context, bool afterLogin = false)
    {
        _resendAfterLogin |= afterLogin;
        if (!context.LoggedIn || context.Paired is not { Me: { } me } || context.Connection is not { } connection)
        {
            if (_sweeping)
            {
                return StanzaOutcome.None;
            }

            _sweeping = true;
            return new StanzaOutcome { Timer = new ScheduledMail("send_queue_sweep", options.SendQueueSweepInterval, new LineMail.SweepDue()) };
        }

        _sweeping = false;
        if (_passRunning)
        {
            _passAgain = true;
            return StanzaOutcome.None;
        }

        _passRunning = true;
        _passAgain = false;
        var resend = _resendAfterLogin;
        _resendAfterLogin = false;
        var resendIds = _resendIds.ToHashSet(StringComparer.Ordinal);
        _resendIds.Clear();
        var generation = context.Generation;
        var lineId = context.LineId;
        var meJid = Jid.Parse(me);
        Jid? meLid = context.Paired?.Lid is { } lidText && Jid.TryParse(lidText, out var parsedLid) ? parsedLid : null;
        return StanzaOutcome.Run("send_queue", async (mailbox, cancellationToken) =>
        {
            Exception? failure = null;
            try
            {
                await PassAsync(connection, generation, lineId, meJid, meLid, resend, resendIds, mailbox, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or OutOfMemoryException))
            {
                failure = ex;
                throw;
            }
            finally
            {
                mailbox.TryPost(new LineMail.SendPassEnded(generation, failure));
            }
        });
    }

    /// <summary>
    /// Sends our message <paramref name="msgId"/> again (same id) in the next pass, though it was written already: the
    /// server refused it (463) and a privacy token was issued since (SERVER-RULES R2).
    /// </summary>
    public StanzaOutcome ResendWritten(string msgId, LineContext context)
    {
        _resendIds.Add(msgId);
        return Kick(context);
    }

    /// <summary>
    /// A pass ended: store what its last batch left, then start the next pass if more was queued meanwhile. A pass that
    /// failed on the connection it still has (the store refused to mark a message sending: a full disk) leaves its
    /// messages queued, so it must not end quietly — nothing else may wake the queue (the soak's settle found them still
    /// queued): a full disk goes to the loop (it reconnects, <c>storage_full</c>, and the first pass after the login
    /// sends them); any other failure gets another pass after <see cref="RetryAfterFailure"/>.
    /// </summary>
    public async Task<StanzaOutcome> HandlePassEndedAsync(LineMail.SendPassEnded mail, LineContext context)
    {
        // No longer running before anything can fail: a flush refused by a full disk must not leave the queue shut.
        _passRunning = false;
        await _batch.FlushAsync(context).ConfigureAwait(false);
        if (mail.Failure is { } failure && context.Link.IsCurrent(mail.Generation) && context.LoggedIn)
        {
            if (options.IsStorageFull?.Invoke(failure) == true)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            LineLog.PassFailed(logger, failure.Message, RetryAfterFailure);
            return new StanzaOutcome { Timer = new ScheduledMail("send_queue_wake", RetryAfterFailure, new LineMail.SweepDue()) };
        }

        if (_passAgain)
        {
            return Kick(context);
        }

        // Paced messages put off past their turn (the new-contact cap): a pass again when the first is due.
        return _wakeAt is { } wake && context.LoggedIn
            ? new StanzaOutcome { Timer = new ScheduledMail("send_queue_wake", Later(wake - time.GetUtcNow()), new LineMail.SweepDue()) }
            : StanzaOutcome.None;
    }

    /// <summary>Encrypts one planned message and writes it; true once it is on the socket (then <c>sent</c>).</summary>
    public async Task HandlePlanReadyAsync(LineMail.PlanReady mail, LineContext context)
    {
        if (!context.Link.IsCurrent(mail.Generation) || context.Connection is not { } connection || context.Paired is not { } credentials)
        {
            mail.Done.TrySetResult(false);
            return;
        }

        var message = mail.Entry.Message;
        try
        {
            var stanza = await encryptor.EncryptAsync(mail.Entry, mail.Plan, credentials, context.Lifetime).ConfigureAwait(false);
            await connection.SendAsync(stanza, context.Lifetime).ConfigureAwait(false);
            unacked?.Written(message.MsgId);

            // Written: its sent status joins the batch. Should the line die before the batch is stored, the message is
            // still "sending" and goes out again (same id) after the next login.
            _batch.Add(new StatusUpdate(message.MsgId, message.ChatJid, MessageStatus.Sent, null, time.GetUtcNow()));
            if (mail.Plan.Phash is { } phash)
            {
                hashes.Remember(message.MsgId, phash, mail.Plan.ListedUsers ?? []);
            }
        }
        catch (Exception ex) when (ex is SignalException or Crypto.CryptoException or InvalidProtocolBufferException)
        {
            _batch.Add(new StatusUpdate(message.MsgId, message.ChatJid, MessageStatus.Failed, $"encryption failed: {ex.Message}", time.GetUtcNow()));
        }
        catch (Exception ex) when (ex is System.Threading.Channels.ChannelClosedException or LineException)
        {
            mail.Done.TrySetResult(false);
            await _batch.FlushAsync(context).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Anything else (a full disk under the Signal commit, say): the message stays sending and goes out again on
            // a later pass. The pass must hear of it now — waiting for a write that never comes held the whole queue
            // until the next reconnect (found by the soak's full disk).
            mail.Done.TrySetResult(false);
            throw;
        }

        // The pass hears of the write only once the batch ending with it is stored: it reads the queue again after its
        // last message, and a message still marked sending there would go out a second time.
        try
        {
            if (mail.FlushAfter || _batch.Full)
            {
                await _batch.FlushAsync(context).ConfigureAwait(false);
            }
        }
        finally
        {
            mail.Done.TrySetResult(true);
        }
    }

    /// <summary>
    /// Planned messages that waited in the mailbox together: encrypted one after the other, their ratchet steps committed
    /// in one transaction, then written in queue order — a group commit, one instead of one per message, and still no
    /// stanza on the socket before its step is stored. Plans with bundles (first messages to new peers) join it: their
    /// sessions are built (X3DH) into the same overlay and stored in the same commit. A plan to a group is handled alone,
    /// in its place. Every mail is answered, whatever fails.
    /// </summary>
    public async Task HandlePlansReadyAsync(IReadOnlyList<LineMail.PlanReady> mails, LineContext context)
    {
        var next = 0;
        try
        {
            while (next < mails.Count)
            {
                var end = next;
                while (end < mails.Count && end - next < InFlight && mails[end].Plan is { Group: null })
                {
                    end++;
                }

                if (end - next >= 2)
                {
                    var taken = mails.Skip(next).Take(end - next).ToList();
                    next = end;
                    await WriteGatheredAsync(taken, context).ConfigureAwait(false);
                }
                else
                {
                    await HandlePlanReadyAsync(mails[next++], context).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            // A failure ends the batch: the mails not reached stay sending and go out again on a later pass.
            for (var i = next; i < mails.Count; i++)
            {
                mails[i].Done.TrySetResult(false);
            }
        }
    }

    private async Task WriteGatheredAsync(List<LineMail.PlanReady> mails, LineContext context)
    {
        var live = new List<(LineMail.PlanReady Mail, Node? Stanza)>(mails.Count);
        foreach (var mail in mails)
        {
            if (context.Link.IsCurrent(mail.Generation) && context.Connection is not null && context.Paired is not null)
            {
                live.Add((mail, null));
            }
            else
            {
                mail.Done.TrySetResult(false);
            }
        }

        if (live.Count == 0)
        {
            return;
        }

        var connection = context.Connection!;
        var credentials = context.Paired!;
        var gathered = encryptor.Gather();
        var written = 0;
        try
        {
            for (var i = 0; i < live.Count; i++)
            {
                var message = live[i].Mail.Entry.Message;
                try
                {
                    live[i] = (live[i].Mail, await encryptor.EncryptAsync(live[i].Mail.Entry, live[i].Mail.Plan, credentials, gathered, context.Lifetime).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is SignalException or Crypto.CryptoException or InvalidProtocolBufferException)
                {
                    _batch.Add(new StatusUpdate(message.MsgId, message.ChatJid, MessageStatus.Failed, $"encryption failed: {ex.Message}", time.GetUtcNow()));
                }
            }

            // Every step stored before the first of these stanzas reaches the socket.
            await encryptor.CommitGatheredAsync(gathered, context.Lifetime).ConfigureAwait(false);
            for (; written < live.Count; written++)
            {
                var (mail, stanza) = live[written];
                if (stanza is null)
                {
                    continue;
                }

                var message = mail.Entry.Message;
                await connection.SendAsync(stanza, context.Lifetime).ConfigureAwait(false);
                unacked?.Written(message.MsgId);
                _batch.Add(new StatusUpdate(message.MsgId, message.ChatJid, MessageStatus.Sent, null, time.GetUtcNow()));
                if (mail.Plan.Phash is { } phash)
                {
                    hashes.Remember(message.MsgId, phash, mail.Plan.ListedUsers ?? []);
                }
            }
        }
        catch (Exception ex) when (ex is System.Threading.Channels.ChannelClosedException or LineException)
        {
            // The connection went: what was written waits for its ack like any other, the rest stays sending.
            await _batch.FlushAsync(context).ConfigureAwait(false);
            Answer(live, written);
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A full disk under the commit, say: nothing of this batch was written unless the commit went through.
            Answer(live, written);
            throw;
        }

        try
        {
            if (_batch.Full || live.Exists(l => l.Mail.FlushAfter))
            {
                await _batch.FlushAsync(context).ConfigureAwait(false);
            }
        }
        finally
        {
            Answer(live, live.Count);
        }
    }

    /// <summary>Tells the pass: the first <paramref name="done"/> were handled (written, or failed for good), the rest were not.</summary>
    private static void Answer(List<(LineMail.PlanReady Mail, Node? Stanza)> live, int done)
    {
        for (var i = 0; i < live.Count; i++)
        {
            live[i].Mail.Done.TrySetResult(i < done);
        }
    }

    /// <summary>The sweep timer fired: expire what waited too long (in the background), or start a pass if the line can send again.</summary>
    public StanzaOutcome HandleSweepDue(LineContext context)
    {
        if (context.LoggedIn)
        {
            _sweeping = false;
            return Kick(context);
        }

        return StanzaOutcome.Run("send_queue_sweep", async (mailbox, cancellationToken) =>
        {
            var remaining = await ExpireAsync(cancellationToken).ConfigureAwait(false);
            await mailbox.PostAsync(new LineMail.SweepFinished(remaining), cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>The sweep finished: run it again later while messages wait and the line cannot send.</summary>
    public StanzaOutcome HandleSweepFinished(LineMail.SweepFinished mail, LineContext context)
    {
        _sweeping = false;
        return mail.Remaining == 0 || context.LoggedIn ? StanzaOutcome.None : Kick(context);
    }

    /// <summary>Fails every message still queued with <paramref name="reason"/> (the line can no longer send).</summary>
    public async Task FailAllAsync(string reason, CancellationToken cancellationToken)
    {
        foreach (var entry in await messages.PendingOutboundAsync(cancellationToken).ConfigureAwait(false))
        {
            await statuses.AdvanceAsync(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Failed, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PassAsync(LineConnection connection, int generation, LineId lineId, Jid me, Jid? meLid, bool resendUnacknowledged, HashSet<string> resendIds, LineMailbox mailbox, CancellationToken cancellationToken)
    {
        var window = new Queue<(OutboundEntry Entry, Task<bool> Written, string? IssueTo)>();
        var issuances = new PassIssuances(tokens);
        try
        {
            await PlanAndWriteAsync(connection, generation, lineId, me, meLid, resendUnacknowledged, resendIds, window, issuances, mailbox, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Our privacy tokens issued after the writes (R2), many to an iq, finish with the pass; a failed one is logged
            // by the keeper, and one not issued is still due at the contact's next message.
            if (!cancellationToken.IsCancellationRequested)
            {
                issuances.Flush(connection, cancellationToken);
            }

            await issuances.WhenAllAsync().ConfigureAwait(false);
        }
    }

    private async Task PlanAndWriteAsync(
        LineConnection connection, int generation, LineId lineId, Jid me, Jid? meLid, bool resendUnacknowledged, HashSet<string> resendIds,
        Queue<(OutboundEntry Entry, Task<bool> Written, string? IssueTo)> window, PassIssuances issuances, LineMailbox mailbox, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var resendAll = resendUnacknowledged;
            var pending = await _preparation.ReadReadyAsync(lineId, async () => (await messages.PendingOutboundAsync(cancellationToken).ConfigureAwait(false))
                .Where(e => resendAll || e.Message.Status != MessageStatus.Sent || resendIds.Contains(e.Message.MsgId))
                .ToList(), mailbox, cancellationToken).ConfigureAwait(false);
            resendIds.ExceptWith(pending.Select(e => e.Message.MsgId));
            resendUnacknowledged = false;
            _wakeAt = null;
            var pacing = pending.Count == 0 ? SendPacing.Off : await messages.GetSendPacingAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyDictionary<string, DateTimeOffset>? due = null;
            if (pacing.IsOn)
            {
                var plan = await ScheduleAsync(pacing, pending, cancellationToken).ConfigureAwait(false);
                due = plan.Due;
                if (plan.Deferred.Count > 0)
                {
                    // Put off past their turn: this pass leaves them, and the queue wakes for the first.
                    _wakeAt = plan.Deferred.Min(id => plan.Due[id]);
                    pending.RemoveAll(e => plan.Deferred.Contains(e.Message.MsgId));
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            async Task<bool> WaitTurnAsync(OutboundEntry entry)
            {
                // The gap counts from the write of the message before: let the loop write everything handed to it first.
                while (window.Count > 0)
                {
                    if (!await DrainOldestAsync(connection, window, issuances, cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }
                }

                // Waits end with the connection too (a stop or a reconnect): the message stays queued with its due time.
                using var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Closed);
                try
                {
                    var at = pacer.NotBefore(pacing, entry.Message.ChatJid, due![entry.Message.MsgId]);
                    var typingFor = pacing.TypingBefore(entry.Message);
                    if (typingFor > TimeSpan.Zero && typing is not null)
                    {
                        // Typing before a text: composing for its time, then paused as the text goes; after a stop
                        // meanwhile it types again once the line is back.
                        await DelayUntilAsync(at - typingFor, waits.Token).ConfigureAwait(false);
                        if (!await typing(mailbox, entry.Message.ChatJid, ChatState.Composing, waits.Token).ConfigureAwait(false))
                        {
                            return false;
                        }

                        // Typed for the whole time from when composing really went out, however late the loop took it.
                        var typed = time.GetUtcNow() + typingFor;
                        await DelayUntilAsync(typed > at ? typed : at, waits.Token).ConfigureAwait(false);
                        return await typing(mailbox, entry.Message.ChatJid, ChatState.Paused, waits.Token).ConfigureAwait(false);
                    }

                    await DelayUntilAsync(at, waits.Token).ConfigureAwait(false);
                    return true;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    LineLog.PassEnded(logger, entry.Message.MsgId);
                    return false;
                }
            }

            // Unpaced, the device lists and bundles of many new chats are fetched together (PlanPrefetch).
            var prefetch = due is null ? new PlanPrefetch(planner) : null;
            await foreach (var entry in MarkSendingAsync(pending, due is null ? null : WaitTurnAsync, cancellationToken).ConfigureAwait(false))
            {
                if (entry is null)
                {
                    return;
                }

                if (entry.Message.Status == MessageStatus.Sent)
                {
                    LineLog.Resending(logger, entry.Message.MsgId);
                }

                if (entry.Message.Status == MessageStatus.Queued)
                {
                    statuses.Publish(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Sending, null);
                }

                SendPlan plan;
                try
                {
                    if (prefetch is not null)
                    {
                        await prefetch.EnsureAsync(connection, pending, entry, me, meLid, cancellationToken).ConfigureAwait(false);
                    }

                    plan = await planner.PlanAsync(connection, entry.ToJid, me, meLid, cancellationToken, prefetch).ConfigureAwait(false);
                }
                catch (SendRefusedException ex)
                {
                    await statuses.AdvanceAsync(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Failed, ex.Message, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (unacked is not null && unacked.Count >= UnackedLimit)
                {
                    // Far ahead of the server's acks: wait for room (a lost connection ends the wait and the pass).
                    using var ackWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Closed);
                    try
                    {
                        await unacked.WaitForRoomAsync(UnackedLimit, ackWait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        LineLog.PassEnded(logger, entry.Message.MsgId);
                        return;
                    }
                }

                var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                var last = ReferenceEquals(entry, pending[^1]) || due is not null;
                await mailbox.PostAsync(new LineMail.PlanReady(generation, entry, plan, written, FlushAfter: last), cancellationToken).ConfigureAwait(false);
                window.Enqueue((entry, written.Task, plan.IssueDue ? plan.TokenContact : null));
                if (window.Count >= InFlight && !await DrainOldestAsync(connection, window, issuances, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }

            while (window.Count > 0)
            {
                if (!await DrainOldestAsync(connection, window, issuances, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Fails what expired and marks the rest sending (what was written before, status sent, keeps its status), a
    /// window's worth per transaction, ahead of the planning (paced: each when its turn has come, as
    /// <paramref name="waitTurn"/> says); yields the live entries in queue order, and null when the pass must end.
    /// </summary>
    private async IAsyncEnumerable<OutboundEntry?> MarkSendingAsync(
        List<OutboundEntry> pending, Func<OutboundEntry, Task<bool>>? waitTurn, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Paced, one at a time: a message waiting its turn stays queued (with its scheduled_at) until it is due.
        foreach (var chunk in pending.Chunk(waitTurn is null ? InFlight : 1))
        {
            if (waitTurn is not null && !await waitTurn(chunk[0]).ConfigureAwait(false))
            {
                // The connection changed while waiting: the pass ends, everything stays queued.
                yield return null;
                yield break;
            }

            var live = new List<OutboundEntry>(chunk.Length);
            foreach (var entry in chunk)
            {
                if (QueueExpiry.Of(entry) <= time.GetUtcNow())
                {
                    await statuses.AdvanceAsync(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Failed, Expired, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    live.Add(entry);
                }
            }

            var toMark = live.Where(e => e.Message.Status != MessageStatus.Sent).Select(e => e.Message.MsgId).ToList();
            await messages.MarkSendingAsync(toMark, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            foreach (var entry in live)
            {
                yield return entry;
            }
        }
    }

    private async Task<bool> DrainOldestAsync(
        LineConnection connection, Queue<(OutboundEntry Entry, Task<bool> Written, string? IssueTo)> window, PassIssuances issuances, CancellationToken cancellationToken)
    {
        var (entry, written, issueTo) = window.Dequeue();
        if (await written.WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            pacer.Written(entry.Message.ChatJid);
            if (issueTo is not null)
            {
                issuances.Add(connection, issueTo, drained: window.Count == 0, cancellationToken);
            }

            return true;
        }

        // The connection changed: the rest of the window is refused by the loop as well; all stay queued.
        window.Clear();
        LineLog.PassEnded(logger, entry.Message.MsgId);
        return false;
    }

    /// <summary>Plans when each pending message is due under <paramref name="pacing"/> and stores what changed.</summary>
    private async Task<PacingPlan> ScheduleAsync(SendPacing pacing, List<OutboundEntry> pending, CancellationToken cancellationToken)
    {
        var firsts = pacing.NewContactsPerHour > 0
            ? await messages.FirstContactsAsync([.. pending.Select(e => e.Message.MsgId)], time.GetUtcNow() - SendPacing.NewContactWindow, cancellationToken).ConfigureAwait(false)
            : null;
        var plan = pacer.Plan(pacing, pending, firsts);
        var changed = pending
            .Where(e => e.Message.ScheduledAt != plan.Due[e.Message.MsgId])
            .Select(e => (e.Message.MsgId, plan.Due[e.Message.MsgId]))
            .ToList();
        await messages.ScheduleAsync(changed, cancellationToken).ConfigureAwait(false);
        return plan;
    }

    private async Task DelayUntilAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var wait = at - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TimeSpan Later(TimeSpan wait) => wait > TimeSpan.Zero ? wait : TimeSpan.Zero;

    private async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var pending = await messages.PendingOutboundAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var expired = 0;
        foreach (var entry in pending.Where(e => QueueExpiry.Of(e) <= now))
        {
            await statuses.AdvanceAsync(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Failed, Expired, cancellationToken).ConfigureAwait(false);
            expired++;
        }

        return pending.Count - expired;
    }

    /// <summary>A new message id in WhatsApp's format (<c>3EB0</c> + 18 uppercase hex digits).</summary>
    private string NewMessageId(string ownUser)
    {
        Span<byte> input = stackalloc byte[8 + 64 + 16];
        BinaryPrimitives.WriteUInt64BigEndian(input, (ulong)time.GetUtcNow().ToUnixTimeSeconds());
        var user = Encoding.UTF8.GetBytes(ownUser + "@c.us");
        var userLength = Math.Min(user.Length, 64);
        user.AsSpan(0, userLength).CopyTo(input[8..]);
        RandomNumberGenerator.Fill(input.Slice(8 + userLength, 16));
        var hash = SHA256.HashData(input[..(8 + userLength + 16)]);
        return "3EB0" + Convert.ToHexString(hash, 0, 9);
    }
}
