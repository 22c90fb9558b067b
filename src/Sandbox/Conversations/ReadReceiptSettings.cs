using System.Collections.Concurrent;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Rules;

namespace WaEngine.Sandbox.Conversations;

/// <summary>
/// Each account's read-receipt privacy setting (<c>readreceipts</c>: <c>all</c> by default, or <c>none</c>), as WhatsApp
/// keeps it for the account and every device of it: the privacy iq answers with it, a client's privacy iq sets it
/// (B:chats.js updateReadReceiptsPrivacy), and the control API sets it for tests. With it off a client sends
/// <c>read-self</c> (SERVER-RULES R13); such receipts never reach the sender (nor, here, the account's other devices: the
/// sandbox does not sync read state between them), and a
/// plain <c>read</c> from such an account is counted as an R13 breach (routed as sent: whether WhatsApp would drop it is
/// not documented). In memory: a restarted sandbox has every account back at <c>all</c>.
/// </summary>
public sealed class ReadReceiptSettings(RuleBook rules)
{
    /// <summary>Read receipts on.</summary>
    public const string All = "all";

    /// <summary>Read receipts off.</summary>
    public const string None = "none";

    private readonly ConcurrentDictionary<string, string> _byPhone = new(StringComparer.Ordinal);

    /// <summary>The setting of the account <paramref name="phone"/>.</summary>
    public string Of(string phone) => _byPhone.GetValueOrDefault(phone, All);

    /// <summary>Sets the account's setting to <see cref="All"/> or <see cref="None"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is neither.</exception>
    public void Set(string phone, string value)
    {
        if (value is not (All or None))
        {
            throw new ArgumentException($"readreceipts is '{value}': it must be \"all\" or \"none\".", nameof(value));
        }

        _byPhone[phone] = value;
    }

    /// <summary>A client's <c>&lt;iq xmlns="privacy" type="set"&gt;&lt;privacy&gt;&lt;category name value/&gt;…</c>: the read-receipt category is kept; true when the iq was one of these.</summary>
    public bool TryApply(string phone, Node iq)
    {
        ArgumentNullException.ThrowIfNull(iq);
        if (iq.Child("privacy") is not { } privacy)
        {
            return false;
        }

        foreach (var category in privacy.ChildrenNamed("category"))
        {
            if (category.Attr("name") == "readreceipts" && category.Attr("value") is All or None)
            {
                _byPhone[phone] = category.Attr("value")!;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="receipt"/> from an account goes on to the message's sender: a <c>read-self</c> (or
    /// <c>played-self</c>) never does. Counts an R13 breach for a plain <c>read</c> from an account whose read receipts are off.
    /// </summary>
    public bool ReachesSender(string readerPhone, string client, Node receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var type = receipt.Attr("type");
        if (type is "read-self" or "played-self")
        {
            return false;
        }

        if (type == "read" && Of(readerPhone) == None)
        {
            rules.Notice(ServerRule.R13, client, $"read receipt for {receipt.Attr("id")} although the account's read receipts are off (read-self expected)");
        }

        return true;
    }
}
