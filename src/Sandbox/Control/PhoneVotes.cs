using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Messaging.Kinds;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Control;

/// <summary>The <c>vote</c> of <c>POST /sandbox/accounts/{phone}/messages</c>: the poll voted on and the option names chosen (none takes the vote back).</summary>
public sealed record PhoneVoteRequest(
    [property: JsonPropertyName("poll_msg_id")] string? PollMsgId,
    [property: JsonPropertyName("options")] IReadOnlyList<string>? Options);

/// <summary>
/// Builds a virtual phone's vote on a poll it sent or received, as WhatsApp clients do: the selected option names
/// hashed (SHA-256) into a <c>PollVoteMessage</c>, encrypted with the poll's message secret for (poll id, creator,
/// voter) and sent as <c>pollUpdateMessage</c>. The voter is the phone's phone-number JID.
/// </summary>
internal static class PhoneVotes
{
    /// <summary>The vote message; 404 for a poll the phone does not know, 400 for options the poll does not have.</summary>
    public static async Task<Message> BuildAsync(SandboxRuntime sandbox, SandboxAccount voter, PhoneVoteRequest vote, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(vote.PollMsgId))
        {
            throw new SandboxInputException("vote.poll_msg_id is required: the msg_id of a poll the phone sent or received.", 400, "vote.poll_msg_id");
        }

        if (vote.Options is null)
        {
            throw new SandboxInputException("vote.options is required: the option names chosen ([] takes the vote back).", 400, "vote.options");
        }

        var poll = await sandbox.Phones.FindPollAsync(voter, vote.PollMsgId, cancellationToken)
            ?? throw new SandboxInputException($"Phone {voter.Phone} has no poll '{vote.PollMsgId}' (sent or received).", 404, "vote.poll_msg_id");
        var creation = MessageContent.PollOf(poll.Message)!;
        foreach (var option in vote.Options)
        {
            if (creation.Options.All(o => o.OptionName != option))
            {
                throw new SandboxInputException($"Poll '{vote.PollMsgId}' has no option '{option}'.", 400, "vote.options");
            }
        }

        if (creation.SelectableOptionsCount > 0 && vote.Options.Count > creation.SelectableOptionsCount)
        {
            throw new SandboxInputException($"Poll '{vote.PollMsgId}' allows {creation.SelectableOptionsCount} option(s); the vote chose {vote.Options.Count}.", 400, "vote.options");
        }

        if (poll.Message.MessageContextInfo?.MessageSecret is not { Length: > 0 } secret)
        {
            throw new SandboxInputException($"Poll '{vote.PollMsgId}' came without a message secret; it cannot be voted on.", 409, "vote.poll_msg_id");
        }

        var key = new MessageKey { RemoteJid = poll.ChatJid, FromMe = poll.FromMe, Id = vote.PollMsgId };
        return ConversationBuilder.Vote(key, secret.ToByteArray(), poll.CreatorJid, voter.Jid, vote.Options, DateTimeOffset.UtcNow);
    }
}
