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
    /// <summary>The ack error the server answers <paramref name="message"/> with (400), or null when it may pass.</summary>
    /// <param name="client">The sending device, for the log.</param>
    /// <param name="message">The 1:1 message stanza as the client sent it, to another account.</param>
    /// <param name="senderMigrated">Whether the sending account is LID-migrated now.</param>
    public int? Refusal(string client, Node message, bool senderMigrated) =>
        !senderMigrated && LidBeforeMigration(message) is { } problem && rules.Breach(ServerRule.R1, client, problem) ? 400 : null;

    /// <summary>Says why <paramref name="message"/> is a LID-addressed DM fan-out, or null when it is none.</summary>
    public static string? LidBeforeMigration(Node message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Attr("category") == "peer" || MessageShapeRules.IsRetryResend(message) || message.Child("participants") is null)
        {
            return null;
        }

        return Jid.TryParse(message.Attr("to") ?? "", out var to) && to.Server is JidServers.Lid or JidServers.HostedLid
            ? $"a DM to {to} addressed by LID from an account that is not LID-migrated (its chats go by phone number)"
            : null;
    }
}
