using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// SERVER-RULES R13: a companion's delivery receipts are <c>inactive</c> until it announces
/// <c>&lt;presence type="available"/&gt;</c>, as WhatsApp Web in the background does (W:receipt.go sendMessageReceipt,
/// B:handleMessage). The server only notices an active receipt sent before that (it is counted, never refused).
/// </summary>
public static class DeliveryReceiptRule
{
    /// <summary>The presence state a client's own <c>&lt;presence&gt;</c> announces: true for available (or no type), false for unavailable, null for anything else (a subscription).</summary>
    public static bool? AnnouncedAvailability(Node presence)
    {
        ArgumentNullException.ThrowIfNull(presence);
        return presence.Attr("to") is not null ? null : presence.Attr("type") switch
        {
            null or "available" => true,
            "unavailable" => false,
            _ => null,
        };
    }

    /// <summary>Counts an R13 breach when <paramref name="receipt"/>, from a companion that has not announced presence, is an active delivery receipt.</summary>
    public static void Check(RuleBook rules, string client, bool presenceAvailable, Node receipt)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(receipt);
        if (!presenceAvailable && receipt.Attr("type") is null)
        {
            rules.Notice(ServerRule.R13, client, $"active delivery receipt for {receipt.Attr("id")} before <presence type=\"available\">");
        }
    }
}
