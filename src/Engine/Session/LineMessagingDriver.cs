using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Engine.Stanzas.Receipts;

namespace WaEngine.Engine.Session;

/// <summary>
/// The actor's messaging glue, run on its loop: queueing sends and driving the send-queue pump (one pass at a time, a
/// sweep timer for expiry while the line cannot send), encrypting and writing what the pump planned, and answering
/// incoming messages, receipts and retries through <see cref="LineMessaging"/>.
/// </summary>
internal sealed class LineMessagingDriver(ILinePort port, LineOptions options, LineMessaging messaging, SendPlanner planner, SendQueuePump pump, TimeProvider time, ILogger logger)
{
    private bool _pumpRunning;
    private bool _pumpAgain;
    private bool _pumpAfterLogin;
    private ITimer? _sweepTimer;

    /// <summary>Stops the expiry sweep (the actor shuts down).</summary>
    public void StopTimers() => _sweepTimer?.Dispose();

    /// <summary>The sweep found nothing left to expire: stop it while the line cannot send.</summary>
    public void OnSweepFinished(int remaining)
    {
        if (remaining == 0 && !port.LoggedIn)
        {
            _sweepTimer?.Dispose();
            _sweepTimer = null;
        }
    }

    public async Task QueueSendAsync(LineMail.QueueSend message)
    {
        var status = port.Status;
        if (port.Credentials is not { IsPaired: true } credentials || status is LineStatus.Stopped or LineStatus.LoggedOut or LineStatus.Failed)
        {
            message.Done.TrySetException(new LineException(LineErrorKind.WrongState,
                $"Line {port.LineId} cannot send while it is {status.ToName()}{(port.Credentials is { IsPaired: true } ? "" : " and not paired")}."));
            return;
        }

        try
        {
            var record = await messaging.QueueAsync(message.ToJid, message.Content, credentials, port.Lifetime).ConfigureAwait(false);
            message.Done.TrySetResult(record);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            message.Done.TrySetException(ex);
            return;
        }

        KickSendQueue();
    }

    public void KickSendQueue(bool afterLogin = false)
    {
        if (!port.LoggedIn || port.Connection is not { } connection || port.Credentials is not { Me: { } me })
        {
            // Not able to send: queued messages wait, and expire on the sweep.
            _sweepTimer ??= time.CreateTimer(_ => port.TryPost(new LineMail.SweepSendQueue()), null, options.SendQueueSweepInterval, options.SendQueueSweepInterval);
            return;
        }

        if (_pumpRunning)
        {
            _pumpAgain = true;
            _pumpAfterLogin |= afterLogin;
            return;
        }

        _pumpRunning = true;
        _pumpAgain = false;
        afterLogin |= _pumpAfterLogin;
        _pumpAfterLogin = false;
        var generation = port.Generation;
        var meJid = Jid.Parse(me);
        port.Track("send_queue", async () =>
        {
            try
            {
                await pump.RunAsync(connection, meJid, (entry, plan) => HandOffAsync(generation, entry, plan), afterLogin, port.Lifetime).ConfigureAwait(false);
            }
            finally
            {
                port.TryPost(new LineMail.SendQueueIdle(generation));
            }
        });
    }

    private async Task<bool> HandOffAsync(int generation, OutboundEntry entry, SendPlan plan)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await port.PostAsync(new LineMail.EncryptAndSend(generation, entry, plan, done), port.Lifetime).ConfigureAwait(false);
        return await done.Task.WaitAsync(port.Lifetime).ConfigureAwait(false);
    }

    public void OnSendQueueIdle(LineMail.SendQueueIdle message)
    {
        _pumpRunning = false;
        if (_pumpAgain)
        {
            KickSendQueue();
        }
    }

    public void SweepSendQueue()
    {
        if (port.LoggedIn)
        {
            _sweepTimer?.Dispose();
            _sweepTimer = null;
            KickSendQueue();
            return;
        }

        port.Track("send_queue_sweep", async () =>
        {
            var remaining = await pump.ExpireAsync(port.Lifetime).ConfigureAwait(false);
            port.TryPost(new LineMail.SweepFinished(remaining));
        });
    }

    public async Task EncryptAndSendAsync(LineMail.EncryptAndSend message)
    {
        if (message.Generation != port.Generation || port.Connection is not { } connection || port.Credentials is not { IsPaired: true } credentials)
        {
            message.Done.TrySetResult(false);
            return;
        }

        var msgId = message.Entry.Message.MsgId;
        try
        {
            var stanza = await messaging.EncryptAsync(message.Entry, message.Plan, credentials, port.Lifetime).ConfigureAwait(false);
            await connection.SendAsync(stanza, port.Lifetime).ConfigureAwait(false);
            await messaging.AdvanceAsync(msgId, message.Entry.Message.ChatJid, MessageStatus.Sent, null, port.Lifetime).ConfigureAwait(false);
            message.Done.TrySetResult(true);
        }
        catch (Exception ex) when (ex is SignalException or Crypto.CryptoException or InvalidProtocolBufferException)
        {
            await messaging.AdvanceAsync(msgId, message.Entry.Message.ChatJid, MessageStatus.Failed, $"encryption failed: {ex.Message}", port.Lifetime).ConfigureAwait(false);
            message.Done.TrySetResult(true);
        }
        catch (Exception ex) when (ex is ChannelClosedException or LineException)
        {
            message.Done.TrySetResult(false);
        }
    }

    public async Task OnMessageAsync(Node node)
    {
        if (port.Credentials is not { IsPaired: true } credentials || port.Connection is null)
        {
            return;
        }

        IncomingMessage incoming;
        try
        {
            incoming = MessageStanzas.Parse(node);
        }
        catch (StanzaException ex)
        {
            LineLog.StanzaFailed(logger, "message", ex.Message);
            await port.SendAsync(ReceiptStanzas.BuildAck(node, 487)).ConfigureAwait(false);
            return;
        }

        foreach (var answer in await messaging.ReceiveAsync(incoming, credentials, port.Lifetime).ConfigureAwait(false))
        {
            await port.SendAsync(answer).ConfigureAwait(false);
        }
    }

    public async Task OnReceiptAsync(Node node)
    {
        IncomingReceipt receipt;
        try
        {
            receipt = ReceiptStanzas.Parse(node);
        }
        catch (StanzaException ex)
        {
            LineLog.StanzaFailed(logger, "receipt", ex.Message);
            await port.SendAsync(ReceiptStanzas.BuildAck(node)).ConfigureAwait(false);
            return;
        }

        var (ack, retry) = await messaging.HandleReceiptAsync(receipt, port.Lifetime).ConfigureAwait(false);
        await port.SendAsync(ack).ConfigureAwait(false);
        if (retry is null || port.Connection is not { } connection)
        {
            return;
        }

        var generation = port.Generation;
        port.Track("retry_bundle", async () =>
        {
            Signal.PreKeyBundle? bundle = null;
            if (retry.Keys is null)
            {
                var deviceJid = (retry.Device.Device ?? 0) == 0 ? (retry.Device with { Device = null }).ToString() : retry.Device.ToString();
                var fetched = await planner.FetchBundlesAsync(connection, [deviceJid], port.Lifetime).ConfigureAwait(false);
                bundle = fetched.GetValueOrDefault(deviceJid);
            }

            await port.PostAsync(new LineMail.RetryReady(generation, retry, bundle), port.Lifetime).ConfigureAwait(false);
        });
    }

    public async Task ResendForRetryAsync(LineMail.RetryReady message)
    {
        if (port.Connection is not { } connection || port.Credentials is not { IsPaired: true } credentials)
        {
            return;
        }

        var stanza = await messaging.EncryptRetryAsync(message.Request, message.Bundle, credentials, port.Lifetime).ConfigureAwait(false);
        await connection.SendAsync(stanza, port.Lifetime).ConfigureAwait(false);
    }

    public async Task MarkReadCoreAsync(LineMail.MarkRead message)
    {
        if (!port.LoggedIn || port.Connection is not { } connection)
        {
            throw new LineException(LineErrorKind.WrongState, $"Line {port.LineId} is {port.Status.ToName()}: read receipts need a connected line.");
        }

        var inbound = new List<MessageRecord>();
        foreach (var id in message.MessageIds)
        {
            if (await messaging.Messages.FindInChatAsync(message.ChatJid, id, port.Lifetime).ConfigureAwait(false) is { FromMe: false } found)
            {
                inbound.Add(found);
            }
        }

        // One receipt per sender: in a one-to-one chat that is the peer; in a group each participant gets its own.
        var isGroup = message.ChatJid.EndsWith("@g.us", StringComparison.Ordinal);
        foreach (var bySender in inbound.GroupBy(m => isGroup ? m.SenderJid : null))
        {
            var receipt = ReceiptStanzas.BuildRead(message.ChatJid, bySender.Key, bySender.Select(m => m.MsgId).ToList(), time.GetUtcNow());
            await connection.SendAsync(receipt, port.Lifetime).ConfigureAwait(false);
        }

        await messaging.Messages.MarkChatReadAsync(message.ChatJid, port.Lifetime).ConfigureAwait(false);
    }
}
