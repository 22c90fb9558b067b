using System.Collections.Concurrent;
using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// SERVER-RULES R7 on the server's side: a client that cannot use a stanza answers with a nack, an <c>&lt;ack&gt;</c>
/// carrying <c>error</c> (W:receipt.go sendAck, B:stanza-ack.js buildAckStanza). The codes are the clients' nack reasons
/// (W:receipt.go Nack*, B:decode-wa-message.js NACK_REASONS): 487 parsing error / given up, 488–490 unrecognised
/// stanza, class or type, 491 invalid protobuf, 493, 495, 496, 499, 500 unhandled, 550–552, and Baileys' 463. Clients nack
/// messages (any code) and receipts (only the stanza-level codes 487–490 and 500: a receipt has no content to be wrong).
/// WhatsApp takes every nack, so a wrongly shaped one is only noticed (counted), and well-shaped ones are tallied by
/// code. Thread-safe.
/// </summary>
public sealed class NackRule(RuleBook rules)
{
    private static readonly HashSet<int> MessageCodes = [463, 487, 488, 489, 490, 491, 493, 495, 496, 499, 500, 550, 551, 552];
    private static readonly HashSet<int> ReceiptCodes = [487, 488, 489, 490, 500];
    private readonly ConcurrentDictionary<int, long> _taken = new();

    /// <summary>Checks an ack from <paramref name="client"/>: a nack is tallied when well shaped, else counted as an R7 breach; a plain ack is left alone.</summary>
    public void Check(string client, Node ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.Attr("error") is not { } error)
        {
            return;
        }

        var stanzaClass = ack.Attr("class") ?? "";
        var allowed = stanzaClass switch
        {
            "message" => MessageCodes,
            "receipt" => ReceiptCodes,
            _ => null,
        };
        if (!int.TryParse(error, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || allowed is null || !allowed.Contains(code))
        {
            var why = allowed is null ? $"a {(stanzaClass.Length == 0 ? "classless" : stanzaClass)} stanza is never nacked" : $"'{error}' is no nack code for a {stanzaClass}";
            rules.Notice(ServerRule.R7, client, $"nack of {stanzaClass} {ack.Attr("id")} with error=\"{error}\": {why}");
            return;
        }

        _taken.AddOrUpdate(code, 1, (_, count) => count + 1);
    }

    /// <summary>How many well-shaped nacks with <paramref name="code"/> clients sent since the sandbox started.</summary>
    public long Count(int code) => _taken.GetValueOrDefault(code);

    /// <summary>Every well-shaped nack code seen, with its count.</summary>
    public IReadOnlyDictionary<string, long> Counts() => _taken.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value);
}
