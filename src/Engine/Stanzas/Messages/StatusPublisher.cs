using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// Moves our messages' statuses forward in the store and publishes each change that happened. Safe from any thread:
/// the store serialises its writes and the event hub is thread-safe.
/// </summary>
internal sealed class StatusPublisher(LineId lineId, IMessageStore messages, LineEventHub events, TimeProvider time)
{
    /// <summary>Moves <paramref name="msgId"/> to <paramref name="status"/> (when that is progress) and publishes the change.</summary>
    public async Task AdvanceAsync(string msgId, string chatJid, MessageStatus status, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (await messages.UpdateStatusAsync(msgId, status, error, now, cancellationToken).ConfigureAwait(false))
        {
            events.Publish(new MessageStatusChanged(lineId, now, msgId, chatJid, status, error));
        }
    }

    /// <summary>Publishes a change the store already recorded.</summary>
    public void Publish(string msgId, string chatJid, MessageStatus status, string? error) =>
        events.Publish(new MessageStatusChanged(lineId, time.GetUtcNow(), msgId, chatJid, status, error));

    /// <summary>
    /// Moves several messages at once (one store transaction) and publishes each change that happened, under the chat
    /// the store has for it (an update may leave its chat empty when only the id was known: an ack, a receipt).
    /// </summary>
    public async Task AdvanceAsync(IReadOnlyList<StatusUpdate> updates, CancellationToken cancellationToken)
    {
        var chats = await messages.AdvanceStatusesAsync(updates, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < updates.Count; i++)
        {
            if (chats[i] is { } chat)
            {
                events.Publish(new MessageStatusChanged(lineId, updates[i].At, updates[i].MsgId, chat, updates[i].Status, updates[i].Error));
            }
        }
    }
}
