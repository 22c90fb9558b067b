using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Signal;
using WaEngine.Engine.Stanzas.Devices;
using WaEngine.Engine.Stanzas.Messages;

namespace WaEngine.Engine.Stanzas.Receipts;

/// <summary>Receipts both ways (delivered, read, retry) and the acks a client owes for what it does not answer with a receipt.</summary>
public static class ReceiptStanzas
{
    /// <summary>Nack code for a stanza that cannot be parsed, also sent when a message is given up after its retries (R7).</summary>
    public const int NackGaveUp = 487;

    /// <summary>Nack code for a message that decrypted but whose content is not a WhatsApp protobuf (R7).</summary>
    public const int NackInvalidProtobuf = 491;

    /// <summary>
    /// The delivery receipt for a message we decrypted and stored (it also acks it, R6): <c>type="peer_msg"</c> for a
    /// peer message from our own phone (R14), <c>type="sender"</c> for copies of our own messages from another of our
    /// devices (with <c>recipient</c> = the chat), and otherwise <c>type="inactive"</c> while the line has not announced
    /// presence (R13; W:receipt.go sendMessageReceipt, B:handleMessage) — an active delivery receipt only once it has.
    /// </summary>
    public static Node BuildDelivery(IncomingMessage message, bool fromOwnDevice, bool presenceAnnounced = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        var attributes = new List<(string, string)> { ("id", message.Id), ("to", message.From.ToString()) };
        if (message.Participant is { } participant)
        {
            attributes.Add(("participant", participant.ToString()));
        }

        if (message.IsPeer)
        {
            attributes.Add(("type", "peer_msg"));
        }
        else if (fromOwnDevice)
        {
            attributes.Add(("type", "sender"));
            if (message.Recipient is { } recipient)
            {
                attributes.Add(("recipient", recipient.ToString()));
            }
        }
        else if (!presenceAnnounced)
        {
            attributes.Add(("type", "inactive"));
        }

        return new Node("receipt", NodeAttributes.Of([.. attributes]));
    }

    /// <summary>
    /// The receipt a history-sync notification from our phone gets besides its <c>peer_msg</c> receipt: <c>type="hist_sync"</c>
    /// to our own account (R14; W:message.go handleHistorySyncNotificationLoop, B:handleMessage).
    /// </summary>
    public static Node BuildHistorySync(string messageId, Jid ownAccount)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        return new Node("receipt", NodeAttributes.Of(("id", messageId), ("to", (ownAccount with { Device = null, Agent = null }).ToString()), ("type", "hist_sync")));
    }

    /// <summary>
    /// A read receipt for <paramref name="messageIds"/> (all from one sender in one chat, the first as <c>id</c>, the rest
    /// in a <c>&lt;list&gt;</c>), <c>type="read-self"</c> when <paramref name="readSelf"/> (the account's read receipts are
    /// off: only our own devices learn of it), else <c>read</c> (B:messages-send.js sendReceipt, W:receipt.go MarkRead).
    /// </summary>
    public static Node BuildRead(string chatJid, string? participant, IReadOnlyList<string> messageIds, DateTimeOffset at, bool readSelf = false)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            throw new ArgumentException("A read receipt needs at least one message id.", nameof(messageIds));
        }

        var attributes = new List<(string, string)>
        {
            ("id", messageIds[0]),
            ("to", chatJid),
            ("type", readSelf ? "read-self" : "read"),
            ("t", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (participant is not null)
        {
            attributes.Add(("participant", participant));
        }

        return messageIds.Count == 1
            ? new Node("receipt", NodeAttributes.Of([.. attributes]))
            : new Node("receipt", NodeAttributes.Of([.. attributes]), [new Node("list", null, messageIds.Skip(1).Select(i => new Node("item", NodeAttributes.Of(("id", i)))))]);
    }

    /// <summary>
    /// A retry receipt asking the sender of <paramref name="message"/> to send it again; with <paramref name="keys"/>
    /// (from the second retry on) it carries a fresh bundle so the sender can start a new session.
    /// </summary>
    public static Node BuildRetry(IncomingMessage message, int retryCount, uint registrationId, RetryKeys? keys)
    {
        ArgumentNullException.ThrowIfNull(message);
        var attributes = new List<(string, string)> { ("id", message.Id), ("to", message.From.ToString()), ("type", "retry") };
        if (message.Participant is { } participant)
        {
            attributes.Add(("participant", participant.ToString()));
        }

        if (message.Recipient is { } recipient)
        {
            attributes.Add(("recipient", recipient.ToString()));
        }

        var children = new List<Node>
        {
            new("retry", NodeAttributes.Of(
                ("count", retryCount.ToString(CultureInfo.InvariantCulture)),
                ("id", message.Id),
                ("t", message.Timestamp.ToString(CultureInfo.InvariantCulture)),
                ("v", "1"))),
            new("registration", null, Id(registrationId, 4)),
        };
        if (keys is not null)
        {
            var keyChildren = new List<Node>
            {
                new("type", null, new byte[] { 5 }),
                new("identity", null, keys.IdentityPublic),
                new("key", null, [new Node("id", null, Id(keys.PreKey.Id, 3)), new Node("value", null, keys.PreKey.KeyPair.PublicKey)]),
                new("skey", null, [
                    new Node("id", null, Id(keys.SignedPreKey.Id, 3)),
                    new Node("value", null, keys.SignedPreKey.KeyPair.PublicKey),
                    new Node("signature", null, keys.SignedPreKey.Signature),
                ]),
            };
            if (keys.DeviceIdentity is { Length: > 0 } identity)
            {
                keyChildren.Add(new Node("device-identity", null, identity));
            }

            children.Add(new Node("keys", null, keyChildren));
        }

        return new Node("receipt", NodeAttributes.Of([.. attributes]), children);
    }

    /// <summary>Reads a receipt; the keys of a retry receipt become a bundle for the sending device.</summary>
    /// <exception cref="StanzaException">An attribute or the retry's key material is malformed.</exception>
    public static IncomingReceipt Parse(Node receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var reader = new AttributeReader(receipt);
        var id = reader.String("id");
        var from = reader.Jid("from");
        var participant = reader.OptionalJid("participant");
        var recipient = reader.OptionalJid("recipient");
        reader.ThrowIfInvalid();

        var ids = new List<string> { id };
        ids.AddRange(receipt.Child("list")?.ChildrenNamed("item").Select(i => i.Attr("id")).OfType<string>() ?? []);
        var type = receipt.Attr("type");
        int retryCount = 0;
        uint? registration = null;
        PreKeyBundle? keys = null;
        if (type == "retry")
        {
            var device = participant ?? from;
            retryCount = int.TryParse(receipt.Child("retry")?.Attr("count"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
            if (receipt.Child("registration") is not null)
            {
                registration = DeviceStanzas.ReadId(receipt.RequiredChildBytes("registration"), 4, "registration", device);
            }

            if (receipt.Child("keys") is { } keyNode && registration is { } registrationId)
            {
                var signed = keyNode.RequiredChild("skey");
                var oneTime = keyNode.Child("key");
                keys = new PreKeyBundle(
                    registrationId,
                    device.Device ?? 0,
                    keyNode.RequiredChildBytes("identity", 32),
                    DeviceStanzas.ReadId(signed.RequiredChildBytes("id"), 3, "skey id", device),
                    signed.RequiredChildBytes("value", 32),
                    signed.RequiredChildBytes("signature", 64),
                    oneTime is null ? null : DeviceStanzas.ReadId(oneTime.RequiredChildBytes("id"), 3, "key id", device),
                    oneTime?.RequiredChildBytes("value", 32));
            }
        }

        return new IncomingReceipt
        {
            MessageIds = ids,
            From = from,
            Participant = participant,
            Recipient = recipient,
            Type = type,
            RetryCount = retryCount,
            RegistrationId = registration,
            Keys = keys,
            Node = receipt,
        };
    }

    /// <summary>
    /// The ack for an incoming stanza we do not answer with a receipt (receipts, messages we could not handle), echoing
    /// its id, class, type, participant and recipient; <paramref name="error"/> is a nack code such as 487 or 491.
    /// </summary>
    public static Node BuildAck(Node stanza, int? error = null)
    {
        ArgumentNullException.ThrowIfNull(stanza);
        var attributes = new List<(string, string)>
        {
            ("id", stanza.Attr("id") ?? ""),
            ("to", stanza.Attr("from") ?? "@s.whatsapp.net"),
            ("class", stanza.Tag),
        };
        foreach (var key in (string[])["participant", "recipient"])
        {
            if (stanza.Attr(key) is { } value)
            {
                attributes.Add((key, value));
            }
        }

        if (stanza.Tag != "message" && stanza.Attr("type") is { } type)
        {
            attributes.Add(("type", type));
        }

        if (error is { } code)
        {
            attributes.Add(("error", code.ToString(CultureInfo.InvariantCulture)));
        }

        return new Node("ack", NodeAttributes.Of([.. attributes]));
    }

    private static byte[] Id(uint value, int bytes) => bytes == 3
        ? [(byte)(value >> 16), (byte)(value >> 8), (byte)value]
        : [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
