using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Engine.Media.Retry;

/// <summary>
/// The media retry's stanzas (Baileys <c>encryptMediaRetryRequest</c> / <c>decodeMediaRetryNode</c>, whatsmeow
/// <c>SendMediaRetryReceipt</c> / <c>parseMediaRetryNotification</c>): the request is a
/// <c>&lt;receipt type="server-error" to="&lt;own user JID&gt;"&gt;</c> — addressed to our own account, so the server
/// hands it to our phone — with <c>&lt;encrypt&gt;&lt;enc_p/&gt;&lt;enc_iv/&gt;&lt;/encrypt&gt;</c> and
/// <c>&lt;rmr jid from_me [participant]/&gt;</c>; the phone answers with a <c>&lt;notification type="mediaretry"&gt;</c>
/// carrying the same <c>rmr</c> and either an <c>encrypt</c> or an <c>&lt;error code/&gt;</c>.
/// </summary>
public static class MediaRetryStanzas
{
    /// <summary>The notification type of the answer.</summary>
    public const string NotificationType = "mediaretry";

    /// <summary>The receipt type of the request.</summary>
    public const string ReceiptType = "server-error";

    /// <summary>The request for message <paramref name="msgId"/> of chat <paramref name="chatJid"/>.</summary>
    public static Node BuildRequest(string msgId, string ownUserJid, string chatJid, bool fromMe, string? participant, byte[] ciphertext, byte[] iv)
    {
        var rmr = new List<(string, string)> { ("jid", chatJid), ("from_me", fromMe ? "true" : "false") };
        if (participant is not null)
        {
            rmr.Add(("participant", participant));
        }

        return new Node("receipt", NodeAttributes.Of(("id", msgId), ("to", ownUserJid), ("type", ReceiptType)), [
            new Node("encrypt", null, [new Node("enc_p", null, ciphertext), new Node("enc_iv", null, iv)]),
            new Node("rmr", NodeAttributes.Of([.. rmr])),
        ]);
    }

    /// <summary>The phone's answer to a request for message <paramref name="msgId"/> (what the sandbox's phones send).</summary>
    public static Node BuildAnswer(string msgId, string from, string chatJid, bool fromMe, string? participant, long t, byte[]? ciphertext, byte[]? iv, int? errorCode)
    {
        var rmr = new List<(string, string)> { ("jid", chatJid), ("from_me", fromMe ? "true" : "false") };
        if (participant is not null)
        {
            rmr.Add(("participant", participant));
        }

        var children = new List<Node> { new("rmr", NodeAttributes.Of([.. rmr])) };
        children.Add(errorCode is { } code
            ? new Node("error", NodeAttributes.Of(("code", code.ToString(CultureInfo.InvariantCulture))))
            : new Node("encrypt", null, [new Node("enc_p", null, ciphertext ?? []), new Node("enc_iv", null, iv ?? [])]));
        return new Node("notification", NodeAttributes.Of(("from", from), ("id", msgId), ("type", NotificationType), ("t", t.ToString(CultureInfo.InvariantCulture))), children);
    }

    /// <summary>Reads a mediaretry notification.</summary>
    /// <exception cref="StanzaException">The id, the rmr or its jid is missing, or it has neither an error nor enc_p and enc_iv.</exception>
    public static MediaRetryAnswer ParseAnswer(Node notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var reader = new AttributeReader(notification);
        var id = reader.String("id");
        reader.ThrowIfInvalid();
        var rmr = notification.Child("rmr") ?? throw new StanzaException($"mediaretry notification {id} has no <rmr>.");
        var rmrReader = new AttributeReader(rmr);
        var chat = rmrReader.String("jid");
        rmrReader.ThrowIfInvalid();
        var fromMe = rmr.Attr("from_me") == "true";
        if (notification.Child("error") is { } error)
        {
            var code = int.TryParse(error.Attr("code"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            return new MediaRetryAnswer(id, chat, fromMe, null, null, code);
        }

        var encrypt = notification.Child("encrypt");
        var ciphertext = encrypt?.Child("enc_p")?.Bytes.ToArray();
        var iv = encrypt?.Child("enc_iv")?.Bytes.ToArray();
        return ciphertext is { Length: > 0 } && iv is { Length: > 0 }
            ? new MediaRetryAnswer(id, chat, fromMe, ciphertext, iv, null)
            : throw new StanzaException($"mediaretry notification {id} has neither <error> nor <encrypt> with enc_p and enc_iv.");
    }
}
