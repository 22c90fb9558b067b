using System.Collections.Concurrent;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// R1, the account side: the namespace of a one-to-one message is the sending account's, not the client's choice. An
/// account WhatsApp has not migrated to LIDs keeps its chats on phone numbers, and a DM it addresses by LID is refused
/// with ack error 400 even when the stanza is consistent (whatsapp-rust #941, fixed by #943: WhatsApp Web builds the
/// stanza from the chat's id, which is a LID only once <c>Lid1X1MigrationUtils.isLidMigrated()</c>). A migrated account
/// may write by LID. Retry resends, peer messages and messages to the sender's own account are not looked at.
/// </summary>
public sealed class LidMigrationRule(RuleBook rules)
{
    // Per account: the DM fan-outs its devices wrote by phone number [0] and by LID [1] that were let through.
    private readonly ConcurrentDictionary<string, long[]> _dms = new();

    /// <summary>The ack error the server answers <paramref name="message"/> with (400), or null when it may pass.</summary>
    /// <param name="client">The sending device, for the log.</param>
    /// <param name="account">The sending account's phone number (what <see cref="DmsOf"/> counts under).</param>
    /// <param name="message">The 1:1 message stanza as the client sent it, to another account.</param>
    /// <param name="senderMigrated">Whether the sending account is LID-migrated now.</param>
    public int? Refusal(string client, string account, Node message, bool senderMigrated)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!senderMigrated && LidBeforeMigration(message) is { } problem && rules.Breach(ServerRule.R1, client, problem))
        {
            return 400;
        }

        if (IsDmFanOut(message) && Jid.TryParse(message.Attr("to") ?? "", out var to) && to.Server is JidServers.WhatsApp or JidServers.Lid)
        {
            Interlocked.Increment(ref _dms.GetOrAdd(account, _ => new long[2])[to.Server == JidServers.Lid ? 1 : 0]);
        }

        return null;
    }

    /// <summary>How many DMs the account's devices wrote by phone number and by LID (and were let through) since the sandbox started.</summary>
    public (long ByPn, long ByLid) DmsOf(string account) =>
        _dms.TryGetValue(account, out var counts) ? (Interlocked.Read(ref counts[0]), Interlocked.Read(ref counts[1])) : (0, 0);

    /// <summary>Says why <paramref name="message"/> is a LID-addressed DM fan-out, or null when it is none.</summary>
    public static string? LidBeforeMigration(Node message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!IsDmFanOut(message))
        {
            return null;
        }

        return Jid.TryParse(message.Attr("to") ?? "", out var to) && to.Server is JidServers.Lid or JidServers.HostedLid
            ? $"a DM to {to} addressed by LID from an account that is not LID-migrated (its chats go by phone number)"
            : null;
    }

    private static bool IsDmFanOut(Node message) =>
        message.Attr("category") != "peer" && !MessageShapeRules.IsRetryResend(message) && message.Child("participants") is not null;
}
