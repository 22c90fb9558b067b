using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Proto;

namespace WaEngine.Sandbox.Phone;

/// <summary>
/// SERVER-RULES R15 as the phone and the server play it: a companion the sender did not encrypt for gets the message as
/// <c>&lt;unavailable&gt;</c>; the companion asks its own phone with a placeholder-resend peer data operation, and the
/// phone answers with a <c>peer_data_operation_request_response_message</c> carrying the message it holds as a
/// serialized WebMessageInfo (W:message.go immediateRequestMessageFromPhone; B:messages-recv requestPlaceholderResend,
/// process-message PEER_DATA_OPERATION_REQUEST_RESPONSE_MESSAGE).
/// </summary>
internal static class PlaceholderResends
{
    /// <summary>The participant entry that delivers a message to <paramref name="deviceJid"/> as <c>&lt;unavailable&gt;</c> (typed unless <paramref name="type"/> is empty).</summary>
    public static Node Unavailable(string deviceJid, string type) =>
        new("to", NodeAttributes.Of(("jid", deviceJid)), [type.Length == 0 ? new Node("unavailable", null) : new Node("unavailable", NodeAttributes.Of(("type", type)))]);

    /// <summary>The phone's answer to the request <paramref name="requestId"/>: one result per message it holds.</summary>
    public static Message Response(string requestId, IEnumerable<Held> messages)
    {
        var response = new Message.Types.PeerDataOperationRequestResponseMessage
        {
            PeerDataOperationRequestType = Message.Types.PeerDataOperationRequestType.PlaceholderMessageResend,
            StanzaId = requestId,
        };
        foreach (var held in messages)
        {
            var info = new WebMessageInfo
            {
                Key = new MessageKey { RemoteJid = held.Chat, FromMe = held.FromMe, Id = held.MsgId },
                Message = held.Message,
                MessageTimestamp = (ulong)Math.Max(0, held.Timestamp),
            };
            if (held.PushName is { Length: > 0 } name)
            {
                info.PushName = name;
            }

            response.PeerDataOperationResult.Add(new Message.Types.PeerDataOperationRequestResponseMessage.Types.PeerDataOperationResult
            {
                PlaceholderMessageResendResponse = new() { WebMessageInfoBytes = info.ToByteString() },
            });
        }

        return new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage
            {
                Type = Message.Types.ProtocolMessage.Types.Type.PeerDataOperationRequestResponseMessage,
                PeerDataOperationRequestResponseMessage = response,
            },
        };
    }

    /// <summary>A message the phone holds and can resend.</summary>
    /// <param name="MsgId">Its id.</param>
    /// <param name="Chat">The chat it belongs to (the key's remote JID).</param>
    /// <param name="FromMe">Whether the account sent it.</param>
    /// <param name="Message">Its content.</param>
    /// <param name="Timestamp">When it was sent (Unix seconds).</param>
    /// <param name="PushName">The sender's push name, if known.</param>
    public sealed record Held(string MsgId, string Chat, bool FromMe, Message Message, long Timestamp, string? PushName);
}
