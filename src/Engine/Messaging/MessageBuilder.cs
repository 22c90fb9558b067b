using Google.Protobuf;
using WaEngine.Proto;

namespace WaEngine.Engine.Messaging;

/// <summary>
/// Builds the WhatsApp <see cref="Message"/> of each kind the engine sends, as WhatsApp clients shape them: a reply is an
/// extended text with the quoted message in its context, a reaction a <c>reactionMessage</c> (empty emoji removes it),
/// an edit a <c>MESSAGE_EDIT</c> protocol message with the new text, a delete a <c>REVOKE</c> protocol message.
/// </summary>
public static class MessageBuilder
{
    /// <summary>Longest text the API accepts (characters).</summary>
    public const int MaxTextLength = 4096;

    /// <summary>How long after sending WhatsApp lets the sender edit a message.</summary>
    public static readonly TimeSpan EditWindow = TimeSpan.FromMinutes(15);

    /// <summary>A plain text message.</summary>
    public static Message Text(string text) => new() { Conversation = text };

    /// <summary>A text that quotes <paramref name="quoted"/> (a stored message of the same chat).</summary>
    /// <param name="text">The reply's text.</param>
    /// <param name="quoted">The stored message replied to.</param>
    /// <param name="ownJid">Our own bare JID (the quoted participant when the quoted message is ours).</param>
    public static Message Reply(string text, MessageRecord quoted, string ownJid)
    {
        ArgumentNullException.ThrowIfNull(quoted);
        var quotedMessage = Message.Parser.ParseFrom(quoted.Content);
        return new Message
        {
            ExtendedTextMessage = new Message.Types.ExtendedTextMessage
            {
                Text = text,
                ContextInfo = new ContextInfo
                {
                    StanzaId = quoted.MsgId,
                    Participant = quoted.FromMe ? ownJid : quoted.SenderJid ?? quoted.ChatJid,
                    QuotedMessage = quotedMessage,
                },
            },
        };
    }

    /// <summary>A reaction to <paramref name="target"/>; an empty <paramref name="emoji"/> removes ours.</summary>
    public static Message Reaction(MessageRecord target, string emoji, DateTimeOffset now) => new()
    {
        ReactionMessage = new Message.Types.ReactionMessage
        {
            Key = KeyOf(target),
            Text = emoji,
            SenderTimestampMs = now.ToUnixTimeMilliseconds(),
        },
    };

    /// <summary>An edit of our own message <paramref name="target"/> to <paramref name="text"/>.</summary>
    public static Message Edit(MessageRecord target, string text, DateTimeOffset now) => new()
    {
        ProtocolMessage = new Message.Types.ProtocolMessage
        {
            Key = KeyOf(target),
            Type = Message.Types.ProtocolMessage.Types.Type.MessageEdit,
            EditedMessage = new Message { Conversation = text },
            TimestampMs = now.ToUnixTimeMilliseconds(),
        },
        MessageContextInfo = new MessageContextInfo { MessageSecret = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
    };

    /// <summary>A delete for everyone of our own message <paramref name="target"/>.</summary>
    public static Message Revoke(MessageRecord target) => new()
    {
        ProtocolMessage = new Message.Types.ProtocolMessage
        {
            Key = KeyOf(target),
            Type = Message.Types.ProtocolMessage.Types.Type.Revoke,
        },
    };

    /// <summary>The <see cref="MessageKey"/> that names <paramref name="message"/> in its chat.</summary>
    public static MessageKey KeyOf(MessageRecord message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = new MessageKey { RemoteJid = message.ChatJid, FromMe = message.FromMe, Id = message.MsgId };
        if (!message.FromMe && message.ChatJid.EndsWith("@g.us", StringComparison.Ordinal) && message.SenderJid is { } sender)
        {
            key.Participant = sender;
        }

        return key;
    }
}
