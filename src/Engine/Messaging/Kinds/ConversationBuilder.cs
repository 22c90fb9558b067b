using System.Security.Cryptography;
using Google.Protobuf;
using WaEngine.Proto;

namespace WaEngine.Engine.Messaging.Kinds;

/// <summary>
/// Builds the conversation kinds the engine sends (issue #16) as WhatsApp clients shape them (Baileys
/// <c>generateWAMessageContent</c>): a <c>locationMessage</c>; a <c>contactMessage</c> with its vCard; a poll with a
/// fresh 32-byte message secret in <c>messageContextInfo</c> (its votes are encrypted with it) — single choice as
/// <c>pollCreationMessageV3</c> with one selectable option, multiple choice as <c>pollCreationMessage</c> with 0 (any).
/// </summary>
public static class ConversationBuilder
{
    /// <summary>Fewest poll options.</summary>
    public const int MinPollOptions = 2;

    /// <summary>Most poll options.</summary>
    public const int MaxPollOptions = 12;

    /// <summary>Longest poll question (characters).</summary>
    public const int MaxPollQuestionLength = 255;

    /// <summary>Longest poll option (characters).</summary>
    public const int MaxPollOptionLength = 100;

    /// <summary>Length of a poll's message secret.</summary>
    public const int SecretLength = 32;

    /// <summary>A location pin.</summary>
    public static Message Location(double latitude, double longitude, string? name, string? address)
    {
        var location = new Message.Types.LocationMessage { DegreesLatitude = latitude, DegreesLongitude = longitude };
        if (!string.IsNullOrEmpty(name))
        {
            location.Name = name;
        }

        if (!string.IsNullOrEmpty(address))
        {
            location.Address = address;
        }

        return new Message { LocationMessage = location };
    }

    /// <summary>A contact card: <paramref name="displayName"/> and the whole <paramref name="vcard"/>.</summary>
    public static Message Contact(string displayName, string vcard) => new()
    {
        ContactMessage = new Message.Types.ContactMessage { DisplayName = displayName, Vcard = vcard },
    };

    /// <summary>A poll with a fresh message secret.</summary>
    public static Message Poll(string question, IReadOnlyList<string> options, bool multiple) =>
        Poll(question, options, multiple, RandomNumberGenerator.GetBytes(SecretLength));

    /// <summary>A poll with the given message secret.</summary>
    public static Message Poll(string question, IReadOnlyList<string> options, bool multiple, byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(secret);
        var poll = new Message.Types.PollCreationMessage { Name = question, SelectableOptionsCount = multiple ? 0u : 1u };
        foreach (var option in options)
        {
            poll.Options.Add(new Message.Types.PollCreationMessage.Types.Option { OptionName = option });
        }

        var message = new Message { MessageContextInfo = new MessageContextInfo { MessageSecret = ByteString.CopyFrom(secret) } };
        if (multiple)
        {
            message.PollCreationMessage = poll;
        }
        else
        {
            message.PollCreationMessageV3 = poll;
        }

        return message;
    }

    /// <summary>
    /// A vote for <paramref name="selected"/> options of a poll, encrypted with the poll's secret
    /// (<see cref="Polls.PollVoteCipher"/>) — what a WhatsApp client sends as <c>pollUpdateMessage</c>.
    /// </summary>
    /// <param name="pollKey">The poll's key (chat, from-me, id, participant in groups).</param>
    /// <param name="secret">The poll's message secret.</param>
    /// <param name="creatorJid">The poll's creator, bare.</param>
    /// <param name="voterJid">The voter, bare.</param>
    /// <param name="selected">The selected option names.</param>
    /// <param name="now">The vote's time.</param>
    public static Message Vote(MessageKey pollKey, byte[] secret, string creatorJid, string voterJid, IReadOnlyList<string> selected, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pollKey);
        ArgumentNullException.ThrowIfNull(selected);
        var vote = new Message.Types.PollVoteMessage();
        foreach (var name in selected)
        {
            vote.SelectedOptions.Add(ByteString.CopyFrom(Polls.PollVoteCipher.OptionHash(name)));
        }

        var iv = RandomNumberGenerator.GetBytes(Polls.PollVoteCipher.IvLength);
        var payload = Polls.PollVoteCipher.Encrypt(secret, pollKey.Id, creatorJid, voterJid, iv, vote.ToByteArray());
        return new Message
        {
            PollUpdateMessage = new Message.Types.PollUpdateMessage
            {
                PollCreationMessageKey = pollKey,
                Vote = new Message.Types.PollEncValue { EncPayload = ByteString.CopyFrom(payload), EncIv = ByteString.CopyFrom(iv) },
                SenderTimestampMs = now.ToUnixTimeMilliseconds(),
            },
        };
    }
}
