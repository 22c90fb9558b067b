using System.Collections.Frozen;
using Google.Protobuf;
using WaEngine.Proto;

namespace WaEngine.Engine.Messaging.Kinds;

/// <summary>
/// Names every kind of WhatsApp message by its field of <c>Message</c> (data from Baileys 7 WAProto.proto), so a kind
/// the engine does not parse still arrives under its WhatsApp name (<c>eventMessage</c>, <c>groupInviteMessage</c>, …),
/// and tells a user's message from the signalling that only rides along (sender keys, context info).
/// </summary>
public static class MessageKinds
{
    /// <summary>What a message with no field a person sent is called.</summary>
    public const string Unknown = "unknown";

    // Fields that never make a message on their own: a sender key distribution (plain or fast-ratchet) and the
    // message context info (secret, device list metadata, padding) that accompany a real message or a group's first one.
    private static readonly FrozenSet<int> Signalling = FrozenSet.ToFrozenSet([2, 15, 35]);

    private static readonly FrozenDictionary<int, string> Names = new Dictionary<int, string>
    {
        [1] = "conversation",
        [2] = "senderKeyDistributionMessage",
        [3] = "imageMessage",
        [4] = "contactMessage",
        [5] = "locationMessage",
        [6] = "extendedTextMessage",
        [7] = "documentMessage",
        [8] = "audioMessage",
        [9] = "videoMessage",
        [10] = "call",
        [11] = "chat",
        [12] = "protocolMessage",
        [13] = "contactsArrayMessage",
        [14] = "highlyStructuredMessage",
        [15] = "fastRatchetKeySenderKeyDistributionMessage",
        [16] = "sendPaymentMessage",
        [18] = "liveLocationMessage",
        [22] = "requestPaymentMessage",
        [23] = "declinePaymentRequestMessage",
        [24] = "cancelPaymentRequestMessage",
        [25] = "templateMessage",
        [26] = "stickerMessage",
        [28] = "groupInviteMessage",
        [29] = "templateButtonReplyMessage",
        [30] = "productMessage",
        [31] = "deviceSentMessage",
        [35] = "messageContextInfo",
        [36] = "listMessage",
        [37] = "viewOnceMessage",
        [38] = "orderMessage",
        [39] = "listResponseMessage",
        [40] = "ephemeralMessage",
        [41] = "invoiceMessage",
        [42] = "buttonsMessage",
        [43] = "buttonsResponseMessage",
        [44] = "paymentInviteMessage",
        [45] = "interactiveMessage",
        [46] = "reactionMessage",
        [47] = "stickerSyncRmrMessage",
        [48] = "interactiveResponseMessage",
        [49] = "pollCreationMessage",
        [50] = "pollUpdateMessage",
        [51] = "keepInChatMessage",
        [53] = "documentWithCaptionMessage",
        [54] = "requestPhoneNumberMessage",
        [55] = "viewOnceMessageV2",
        [56] = "encReactionMessage",
        [58] = "editedMessage",
        [59] = "viewOnceMessageV2Extension",
        [60] = "pollCreationMessageV2",
        [61] = "scheduledCallCreationMessage",
        [62] = "groupMentionedMessage",
        [63] = "pinInChatMessage",
        [64] = "pollCreationMessageV3",
        [65] = "scheduledCallEditMessage",
        [66] = "ptvMessage",
        [67] = "botInvokeMessage",
        [69] = "callLogMesssage",
        [70] = "messageHistoryBundle",
        [71] = "encCommentMessage",
        [72] = "bcallMessage",
        [74] = "lottieStickerMessage",
        [75] = "eventMessage",
        [76] = "encEventResponseMessage",
        [77] = "commentMessage",
        [78] = "newsletterAdminInviteMessage",
        [80] = "placeholderMessage",
        [82] = "secretEncryptedMessage",
        [83] = "albumMessage",
        [85] = "eventCoverImage",
        [86] = "stickerPackMessage",
        [87] = "statusMentionMessage",
        [88] = "pollResultSnapshotMessage",
        [90] = "pollCreationOptionImageMessage",
        [91] = "associatedChildMessage",
        [92] = "groupStatusMentionMessage",
        [93] = "pollCreationMessageV4",
        [95] = "statusAddYours",
        [96] = "groupStatusMessage",
        [97] = "richResponseMessage",
        [98] = "statusNotificationMessage",
        [99] = "limitSharingMessage",
        [100] = "botTaskMessage",
        [101] = "questionMessage",
        [102] = "messageHistoryNotice",
        [103] = "groupStatusMessageV2",
        [104] = "botForwardedMessage",
        [105] = "statusQuestionAnswerMessage",
        [106] = "questionReplyMessage",
        [107] = "questionResponseMessage",
        [109] = "statusQuotedMessage",
        [110] = "statusStickerInteractionMessage",
        [111] = "pollCreationMessageV5",
        [113] = "newsletterFollowerInviteMessageV2",
        [114] = "pollResultSnapshotMessageV3",
    }.ToFrozenDictionary();

    /// <summary>The WhatsApp name of field <paramref name="number"/> of <c>Message</c>, or null when it has none we know.</summary>
    public static string? NameOf(int number) => Names.GetValueOrDefault(number);

    /// <summary>The top-level field numbers present in <paramref name="message"/>, unknown ones included, in wire order (each once).</summary>
    public static IReadOnlyList<int> FieldsOf(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var numbers = new List<int>();
        var input = new CodedInputStream(message.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            if (!numbers.Contains(number))
            {
                numbers.Add(number);
            }

            input.SkipLastField();
        }

        return numbers;
    }

    /// <summary>True when the message carries anything besides signalling (a sender key, context info): a message a person sent.</summary>
    public static bool HasUserContent(Message message) => FieldsOf(message).Any(number => !Signalling.Contains(number));

    /// <summary>
    /// The WhatsApp name of the first field a person sent (e.g. <c>eventMessage</c>), for a kind
    /// <see cref="MessageContent.KindOf"/> does not know; <see cref="Unknown"/> when no field has a name we know.
    /// </summary>
    public static string WhatsAppNameOf(Message message)
    {
        foreach (var number in FieldsOf(message))
        {
            if (!Signalling.Contains(number) && NameOf(number) is { } name)
            {
                return name;
            }
        }

        return Unknown;
    }
}
