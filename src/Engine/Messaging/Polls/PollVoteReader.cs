using System.Text.Json;
using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Storage;
using WaEngine.Proto;

namespace WaEngine.Engine.Messaging.Polls;

/// <summary>
/// Reads an inbound poll vote (<c>pollUpdateMessage</c>) against the poll it is for — one this line sent or received —
/// and files the result on the vote's record: <see cref="MessageRecord.Body"/> = the selected option names as a JSON
/// list, or <see cref="MessageRecord.Error"/> = why they could not be read (unknown poll, no secret, undecryptable).
/// A vote is never dropped and never throws for its content.
/// </summary>
public static class PollVoteReader
{
    // Names stay readable (accents, emoji) in the stored body and in GET /api/messages.
    private static readonly JsonSerializerOptions NameList = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The poll the vote names is not in the line's store.</summary>
    public const string UnknownPoll = "poll_unknown";

    /// <summary>The poll has no message secret, so no vote for it can be read.</summary>
    public const string NoSecret = "poll_secret_missing";

    /// <summary>The vote does not decrypt with the poll's secret for any form (phone number or LID) of creator and voter.</summary>
    public const string Undecryptable = "poll_vote_undecryptable";

    /// <summary>The vote's record with the selected option names (or the reason they are missing) filled in.</summary>
    /// <param name="vote">The vote as stored (chat, sender, ids).</param>
    /// <param name="content">The vote message (unwrapped).</param>
    /// <param name="ownJids">The line's own bare JIDs (phone number, and LID when known).</param>
    /// <param name="messages">The line's messages, where the poll is looked for.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    public static async Task<MessageRecord> ReadAsync(MessageRecord vote, Message content, IReadOnlyList<string> ownJids, IMessageStore messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vote);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(ownJids);
        ArgumentNullException.ThrowIfNull(messages);
        var update = content.PollUpdateMessage;
        if (update?.PollCreationMessageKey is not { Id.Length: > 0 } key || update.Vote is null)
        {
            return vote with { Body = null, Error = $"{UnknownPoll}: the vote names no poll." };
        }

        var poll = await messages.FindInChatAsync(vote.ChatJid, key.Id, cancellationToken).ConfigureAwait(false)
            ?? await messages.FindAsync(key.Id, cancellationToken).ConfigureAwait(false);
        if (poll is null)
        {
            return vote with { Body = null, Error = $"{UnknownPoll}: this line has no poll '{key.Id}' (sent before the line was paired, or never seen)." };
        }

        Message pollMessage;
        try
        {
            pollMessage = Message.Parser.ParseFrom(poll.Content);
        }
        catch (InvalidProtocolBufferException)
        {
            return vote with { Body = null, Error = $"{UnknownPoll}: message '{key.Id}' is stored but does not parse." };
        }

        var creation = MessageContent.PollOf(pollMessage);
        if (creation is null)
        {
            return vote with { Body = null, Error = $"{UnknownPoll}: message '{key.Id}' is a {poll.Type}, not a poll." };
        }

        var secret = pollMessage.MessageContextInfo?.MessageSecret;
        if (secret is not { Length: > 0 })
        {
            return vote with { Body = null, Error = $"{NoSecret}: poll '{key.Id}' came without a message secret." };
        }

        var creators = poll.FromMe ? Bare(ownJids) : Bare([poll.SenderPn, poll.SenderLid, key.Participant, key.RemoteJid]);
        var voters = vote.FromMe ? Bare(ownJids) : Bare([vote.SenderPn, vote.SenderLid]);
        var payload = update.Vote.EncPayload.ToByteArray();
        var iv = update.Vote.EncIv.ToByteArray();
        foreach (var creator in creators)
        {
            foreach (var voter in voters)
            {
                byte[] plaintext;
                try
                {
                    plaintext = PollVoteCipher.Decrypt(secret.ToByteArray(), key.Id, creator, voter, iv, payload);
                }
                catch (CryptoException)
                {
                    continue;
                }

                return Selected(vote, creation, plaintext);
            }
        }

        return vote with { Body = null, Error = $"{Undecryptable}: the vote for poll '{key.Id}' does not decrypt with the poll's secret." };
    }

    /// <summary>The selected option names a vote record carries (<see cref="MessageRecord.Body"/> as written here), or null.</summary>
    public static IReadOnlyList<string>? SelectedOptionsOf(MessageRecord vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        if (vote.Type != "poll_vote" || vote.Body is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<List<string>>(vote.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static MessageRecord Selected(MessageRecord vote, Message.Types.PollCreationMessage creation, byte[] plaintext)
    {
        Message.Types.PollVoteMessage decoded;
        try
        {
            decoded = Message.Types.PollVoteMessage.Parser.ParseFrom(plaintext);
        }
        catch (InvalidProtocolBufferException)
        {
            return vote with { Body = null, Error = $"{Undecryptable}: the vote decrypted but is not a PollVoteMessage." };
        }

        var names = new List<string>();
        var unmatched = 0;
        foreach (var hash in decoded.SelectedOptions)
        {
            var option = creation.Options.FirstOrDefault(o => hash.Span.SequenceEqual(PollVoteCipher.OptionHash(o.OptionName)));
            if (option is null)
            {
                unmatched++;
            }
            else
            {
                names.Add(option.OptionName);
            }
        }

        return vote with
        {
            Body = JsonSerializer.Serialize(names, NameList),
            Error = unmatched == 0 ? null : $"{unmatched} selected option(s) match no option of the poll.",
        };
    }

    private static List<string> Bare(IEnumerable<string?> jids)
    {
        var bare = new List<string>();
        foreach (var text in jids)
        {
            if (Jid.TryParse(text, out var jid) && jid.Server is JidServers.WhatsApp or JidServers.Lid)
            {
                var plain = (jid with { Device = null, Agent = null }).ToString();
                if (!bare.Contains(plain))
                {
                    bare.Add(plain);
                }
            }
        }

        return bare;
    }
}
