using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Messaging.Kinds;
using WaEngine.Engine.Messaging.Polls;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// What the receiving side does by a message's kind (issue #16): every message a person sent is stored and delivered,
/// whatever its kind; a poll keeps its secret; a poll vote is read against its poll.
/// </summary>
internal static class ReceivedKinds
{
    /// <summary>
    /// True for a message a person sent, of any kind, known or not. False for what only rides along or runs the protocol:
    /// a protocol message (history sync, app-state keys, peer data operations, …, handled where they are read) and a
    /// message holding nothing but a sender key distribution and context info.
    /// </summary>
    public static bool IsUserMessage(Message unwrapped) =>
        MessageContent.KindOf(unwrapped) != "protocol" && MessageKinds.HasUserContent(unwrapped);

    /// <summary>
    /// The unwrapped message with the wrapper's message secret when only the wrapper carries it (a device-sent copy of a
    /// poll from our own phone), so the stored poll can read its votes later.
    /// </summary>
    public static Message WithSecret(Message outer, Message unwrapped)
    {
        if (ReferenceEquals(outer, unwrapped) || unwrapped.MessageContextInfo?.MessageSecret is { Length: > 0 }
            || outer.MessageContextInfo?.MessageSecret is not { Length: > 0 } secret)
        {
            return unwrapped;
        }

        var copy = unwrapped.Clone();
        copy.MessageContextInfo ??= new MessageContextInfo();
        copy.MessageContextInfo.MessageSecret = secret;
        return copy;
    }

    /// <summary>The record, with a poll vote's selected options (or why they cannot be read) filled in.</summary>
    public static async Task<MessageRecord> CompleteAsync(MessageRecord record, Message unwrapped, Jid me, Jid? meLid, IMessageStore messages, CancellationToken cancellationToken)
    {
        if (record.Type != "poll_vote")
        {
            return record;
        }

        var own = new List<string> { new Jid(me.User, JidServers.WhatsApp).ToString() };
        if (meLid is { } lid)
        {
            own.Add(new Jid(lid.User, JidServers.Lid).ToString());
        }

        return await PollVoteReader.ReadAsync(record, unwrapped, own, messages, cancellationToken).ConfigureAwait(false);
    }
}
