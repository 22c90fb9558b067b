using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The preparation steps of held outbound messages (<see cref="OutboundDraft.Prepare"/>: a text's link preview), run
/// inside the send queue. A pass leaves out every held message, and whatever follows it in its chat (order within a
/// chat is kept), and starts its step in the background if it is not running yet; the pass goes on with the other chats.
/// A finished step stores the message's prepared content and ends the hold in one write, then asks for another pass.
/// A step cut short by a stop leaves the hold in the store, so it runs again after the next login (a restart included);
/// a step that fails releases the message as stored, so nothing is lost for its preparation.
/// </summary>
internal sealed partial class OutboundPreparation(IOutgoingPreparer? preparer, IMessageStore messages, ILogger logger)
{
    private readonly ConcurrentDictionary<string, bool> _running = new(StringComparer.Ordinal);
    private int _released;

    /// <summary>
    /// The send queue as <paramref name="readPending"/> reads it, without the held messages and those queued after one in
    /// the same chat; starts the step of each held message not being prepared already. A message released while the
    /// queue was read is read again (its content changed), never sent as it was.
    /// </summary>
    public async Task<List<OutboundEntry>> ReadReadyAsync(
        LineId lineId, Func<Task<List<OutboundEntry>>> readPending, LineMailbox mailbox, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readPending);
        List<OutboundEntry> pending;
        IReadOnlyDictionary<string, string> held;
        while (true)
        {
            var released = Volatile.Read(ref _released);
            pending = await readPending().ConfigureAwait(false);
            if (pending.Count == 0)
            {
                return pending;
            }

            held = await messages.HeldOutboundAsync(cancellationToken).ConfigureAwait(false);
            if (Volatile.Read(ref _released) == released)
            {
                break;
            }
        }

        if (held.Count == 0 && _running.IsEmpty)
        {
            return pending;
        }

        var waitingChats = new HashSet<string>(StringComparer.Ordinal);
        var ready = new List<OutboundEntry>(pending.Count);
        foreach (var entry in pending)
        {
            if (held.TryGetValue(entry.Message.MsgId, out var kind) || _running.ContainsKey(entry.Message.MsgId))
            {
                // Being prepared, or just released (the step's pass request follows): it waits, and its chat with it.
                waitingChats.Add(entry.Message.ChatJid);
                if (kind is not null && _running.TryAdd(entry.Message.MsgId, true))
                {
                    _ = PrepareAsync(lineId, kind, entry.Message, mailbox, cancellationToken);
                }
            }
            else if (!waitingChats.Contains(entry.Message.ChatJid))
            {
                ready.Add(entry);
            }
        }

        return ready;
    }

    private async Task PrepareAsync(LineId lineId, string kind, MessageRecord message, LineMailbox mailbox, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            byte[]? content = null;
            if (preparer is not null)
            {
                content = (await preparer.PrepareAsync(lineId, kind, message, cancellationToken).ConfigureAwait(false)).ToByteArray();
            }

            await messages.ReleaseHeldAsync(message.MsgId, content, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _released);
            Prepared(logger, message.MsgId, kind);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The line stopped: the hold stays stored and the step runs again after the next login.
            _running.TryRemove(message.MsgId, out _);
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            PrepareFailed(logger, message.MsgId, kind, ex.Message);
            try
            {
                await messages.ReleaseHeldAsync(message.MsgId, null, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _released);
            }
            catch (Exception again) when (again is not OutOfMemoryException)
            {
                // Still held: the next pass tries the step again.
                PrepareFailed(logger, message.MsgId, kind, again.Message);
            }
        }

        _running.TryRemove(message.MsgId, out _);
        try
        {
            await mailbox.PostAsync(new LineMail.SweepDue(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            // The line stopped meanwhile: its next login starts a pass anyway.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queued message {MsgId} prepared ({Kind}); it goes out on the next pass")]
    private static partial void Prepared(ILogger logger, string msgId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queued message {MsgId}: its preparation ({Kind}) failed, it goes out as stored: {Reason}")]
    private static partial void PrepareFailed(ILogger logger, string msgId, string kind, string reason);
}
