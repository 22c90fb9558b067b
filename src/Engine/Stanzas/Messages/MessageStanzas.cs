using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>Reads incoming <c>&lt;message&gt;</c> stanzas and builds outgoing ones (fan-out to devices, retries).</summary>
public static class MessageStanzas
{
    /// <summary>Reads an incoming message; every attribute problem is reported together.</summary>
    /// <exception cref="StanzaException">A required attribute is missing or malformed.</exception>
    public static IncomingMessage Parse(Node message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var reader = new AttributeReader(message);
        var id = reader.String("id");
        var from = reader.Jid("from");
        var participant = reader.OptionalJid("participant");
        var recipient = reader.OptionalJid("recipient");
        var recipientPn = reader.OptionalJid("peer_recipient_pn");
        var t = reader.OptionalInt64("t");
        var senderPn = reader.OptionalJid("sender_pn") ?? reader.OptionalJid("participant_pn");
        var senderLid = reader.OptionalJid("sender_lid") ?? reader.OptionalJid("participant_lid");
        reader.ThrowIfInvalid();

        var parts = new List<EncryptedPart>();
        foreach (var enc in message.ChildrenNamed("enc"))
        {
            var count = int.TryParse(enc.Attr("count"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
            parts.Add(new EncryptedPart(enc.Attr("type") ?? "", enc.ContentBytes(), count));
        }

        return new IncomingMessage
        {
            Id = id,
            From = from,
            Participant = participant,
            Recipient = recipient,
            RecipientPn = recipientPn,
            Timestamp = t ?? 0,
            Type = message.Attr("type"),
            PushName = message.Attr("notify"),
            Category = message.Attr("category"),
            Unavailable = message.Child("unavailable") is { } unavailable ? unavailable.Attr("type") ?? "" : null,
            SenderPn = senderPn,
            SenderLid = senderLid,
            Parts = parts,
            Node = message,
        };
    }

    /// <summary>One device's <c>&lt;to&gt;&lt;enc/&gt;&lt;/to&gt;</c> of an outgoing message.</summary>
    /// <param name="deviceJid">The device the ciphertext is for.</param>
    /// <param name="encrypted">The Signal ciphertext.</param>
    /// <param name="mediaType">The <c>mediatype</c> attribute for media messages, or null.</param>
    /// <param name="hideDecryptFailure">Adds <c>decrypt-fail="hide"</c> (reactions, edits, deletes).</param>
    public static Node BuildParticipant(string deviceJid, SignalEncryptResult encrypted, string? mediaType, bool hideDecryptFailure) =>
        new("to", NodeAttributes.Of(("jid", deviceJid)), [BuildEnc(encrypted, mediaType, hideDecryptFailure, retryCount: 0)]);

    /// <summary>Builds an outgoing message with one <c>&lt;to&gt;</c> per device.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="to">The chat JID.</param>
    /// <param name="type">The stanza type (<c>text</c>, <c>media</c>, <c>reaction</c>).</param>
    /// <param name="edit">The <c>edit</c> attribute, or null.</param>
    /// <param name="participants">The devices' nodes from <see cref="BuildParticipant"/>.</param>
    /// <param name="deviceIdentity">Our account-signed device identity; sent when any part is a pkmsg.</param>
    /// <param name="peerRecipientPn">When <paramref name="to"/> is a LID: the chat's phone-number JID, for our own devices (<c>peer_recipient_pn</c>).</param>
    /// <param name="tcToken">The recipient's trusted-contact token, attached as <c>&lt;tctoken&gt;</c> (SERVER-RULES R2), or null.</param>
    /// <param name="pollType">For a poll or a vote: the <c>&lt;meta polltype&gt;</c> value (<c>creation</c>, <c>vote</c>), or null.</param>
    /// <param name="csToken">When no <paramref name="tcToken"/> is given: our cstoken for the recipient, attached as <c>&lt;cstoken&gt;</c> (R2), or null.</param>
    public static Node BuildMessage(string id, string to, string type, string? edit, IReadOnlyList<Node> participants, byte[]? deviceIdentity, string? peerRecipientPn = null, byte[]? tcToken = null, string? pollType = null, byte[]? csToken = null)
    {
        ArgumentNullException.ThrowIfNull(participants);
        var attributes = new List<(string, string)> { ("id", id), ("to", to), ("type", type) };
        if (peerRecipientPn is not null)
        {
            attributes.Add(("peer_recipient_pn", peerRecipientPn));
        }

        if (edit is not null)
        {
            attributes.Add(("edit", edit));
        }

        var children = new List<Node> { new("participants", null, participants) };
        var anyPreKey = participants.Any(p => p.ChildrenNamed("enc").Any(e => e.Attr("type") == "pkmsg"));
        if (anyPreKey && deviceIdentity is { Length: > 0 })
        {
            children.Add(new Node("device-identity", null, deviceIdentity));
        }

        if (tcToken is { Length: > 0 })
        {
            children.Add(new Node("tctoken", null, tcToken));
        }
        else if (csToken is { Length: > 0 })
        {
            children.Add(new Node("cstoken", null, csToken));
        }

        if (pollType is not null)
        {
            children.Add(new Node("meta", NodeAttributes.Of(("polltype", pollType))));
        }

        return new Node("message", NodeAttributes.Of([.. attributes]), children);
    }

    /// <summary>
    /// The resend of message <paramref name="id"/> to the one device that asked for it with a retry receipt, in the
    /// shape the server requires (SERVER-RULES R3, else ack error 479): <c>to</c> is that device, <c>recipient</c> the
    /// chat for our own devices, <c>device_fanout="false"</c>, the original <c>t</c>, and one top-level
    /// <c>&lt;enc count&gt;</c> (no <c>&lt;participants&gt;</c>).
    /// </summary>
    public static Node BuildRetryResend(string id, string deviceJid, string? recipient, string type, string? edit, long originalTimestamp, SignalEncryptResult encrypted, int retryCount, byte[]? deviceIdentity)
    {
        var attributes = new List<(string, string)> { ("id", id), ("to", deviceJid), ("type", type), ("device_fanout", "false") };
        if (originalTimestamp > 0)
        {
            attributes.Add(("t", originalTimestamp.ToString(CultureInfo.InvariantCulture)));
        }

        if (recipient is not null)
        {
            attributes.Add(("recipient", recipient));
        }

        if (edit is not null)
        {
            attributes.Add(("edit", edit));
        }

        var children = new List<Node> { BuildEnc(encrypted, null, edit is not null, Math.Max(retryCount, 1)) };
        if (encrypted.Type == SignalMessageType.PreKey && deviceIdentity is { Length: > 0 })
        {
            children.Add(new Node("device-identity", null, deviceIdentity));
        }

        return new Node("message", NodeAttributes.Of([.. attributes]), children);
    }

    /// <summary>
    /// A peer message to our own phone (<c>category="peer"</c>, the enc at the top, <c>to</c> the bare account), as
    /// WhatsApp Web sends peer data operations (B:messages-send sendPeerDataOperationMessage; W:send.go sendPeerMessage).
    /// </summary>
    public static Node BuildPeerMessage(string id, string ownAccount, SignalEncryptResult encrypted, byte[]? deviceIdentity)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        var children = new List<Node> { BuildEnc(encrypted, null, false, 0), new("meta", NodeAttributes.Of(("appdata", "default"))) };
        if (encrypted.Type == SignalMessageType.PreKey && deviceIdentity is { Length: > 0 })
        {
            children.Add(new Node("device-identity", null, deviceIdentity));
        }

        return new Node("message", NodeAttributes.Of(("id", id), ("to", ownAccount), ("type", "text"), ("category", "peer"), ("push_priority", "high_force")), children);
    }

    internal static Node BuildEnc(SignalEncryptResult encrypted, string? mediaType, bool hideDecryptFailure, int retryCount)
    {
        var attributes = new List<(string, string)>
        {
            ("v", "2"),
            ("type", encrypted.Type switch
            {
                SignalMessageType.PreKey => "pkmsg",
                SignalMessageType.Whisper => "msg",
                _ => "skmsg",
            }),
        };
        if (mediaType is not null)
        {
            attributes.Add(("mediatype", mediaType));
        }

        if (hideDecryptFailure)
        {
            attributes.Add(("decrypt-fail", "hide"));
        }

        if (retryCount > 0)
        {
            attributes.Add(("count", retryCount.ToString(CultureInfo.InvariantCulture)));
        }

        return new Node("enc", NodeAttributes.Of([.. attributes]), encrypted.Ciphertext);
    }
}
