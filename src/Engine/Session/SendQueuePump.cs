using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;

namespace WaEngine.Engine.Session;

/// <summary>
/// Drains a line's durable send queue while it is logged in, oldest first, one message at a time: expired ones fail,
/// the rest are planned here (device lists, bundles) and handed to the actor loop to encrypt and send. A lost connection
/// ends the pass; what was not sent stays queued and goes out after the next login (same id, so peers dedupe).
/// </summary>
internal sealed partial class SendQueuePump(LineMessaging messaging, SendPlanner planner, TimeProvider time, ILogger logger)
{
    /// <summary>One pass over the queue; returns when it is empty or the connection is gone.</summary>
    /// <param name="connection">The logged-in connection.</param>
    /// <param name="me">Our device JID.</param>
    /// <param name="handOff">Posts an entry and its plan to the actor loop; true once it was written to the socket.</param>
    /// <param name="afterLogin">
    /// True for the first pass on a new connection: messages written to an earlier socket that the server never
    /// acknowledged go out again too (same id). Later passes leave sent messages to their acks.
    /// </param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    public async Task RunAsync(LineConnection connection, Jid me, Func<OutboundEntry, SendPlan, Task<bool>> handOff, bool afterLogin, CancellationToken cancellationToken)
    {
        var resendUnacknowledged = afterLogin;
        while (!cancellationToken.IsCancellationRequested)
        {
            var pending = (await messaging.Messages.PendingOutboundAsync(cancellationToken).ConfigureAwait(false))
                .Where(e => resendUnacknowledged || e.Message.Status != MessageStatus.Sent)
                .ToList();
            resendUnacknowledged = false;
            if (pending.Count == 0)
            {
                return;
            }

            foreach (var entry in pending)
            {
                if (entry.ExpiresAt <= time.GetUtcNow())
                {
                    await messaging.AdvanceAsync(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Failed, "expired: not sent within the queue's time limit", cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (entry.Message.Status == MessageStatus.Sent)
                {
                    LogResending(entry.Message.MsgId);
                }
                else
                {
                    await messaging.Messages.MarkSendingAsync(entry.Message.MsgId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }

                if (entry.Message.Status == MessageStatus.Queued)
                {
                    messaging.Publish(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Sending, null);
                }

                SendPlan plan;
                try
                {
                    plan = await planner.PlanAsync(connection, entry.ToJid, me, cancellationToken).ConfigureAwait(false);
                }
                catch (SendRefusedException ex)
                {
                    await messaging.AdvanceAsync(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Failed, ex.Message, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!await handOff(entry, plan).ConfigureAwait(false))
                {
                    LogPassEnded(entry.Message.MsgId);
                    return;
                }
            }
        }
    }

    /// <summary>Fails every queued message whose time ran out (called while the line cannot send).</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var pending = await messaging.Messages.PendingOutboundAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var expired = 0;
        foreach (var entry in pending.Where(e => e.ExpiresAt <= now))
        {
            await messaging.AdvanceAsync(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Failed, "expired: not sent within the queue's time limit", cancellationToken).ConfigureAwait(false);
            expired++;
        }

        return pending.Count - expired;
    }

    /// <summary>Fails every message still in the queue with <paramref name="reason"/> (the line can no longer send).</summary>
    public async Task FailAllAsync(string reason, CancellationToken cancellationToken)
    {
        foreach (var entry in await messaging.Messages.PendingOutboundAsync(cancellationToken).ConfigureAwait(false))
        {
            await messaging.AdvanceAsync(entry.Message.MsgId, entry.Message.ChatJid, MessageStatus.Failed, reason, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending {MsgId} again: the server never acknowledged it on the previous connection")]
    private partial void LogResending(string msgId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Send queue pass ended before {MsgId} (connection changed); it stays queued")]
    private partial void LogPassEnded(string msgId);
}
