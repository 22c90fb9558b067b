using Google.Protobuf;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;
using WaEngine.Store;
using WaEngine.Store.Messages;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>
/// Stores messages in a line database through the real message store, which journals each change in the same
/// transaction — what the line actor does, for tests of the webhook outbox that need no WhatsApp traffic.
/// </summary>
internal static class JournalWriter
{
    public static async Task InboundAsync(LineDatabase database, string chatJid, string msgId, Message message, string type, string? body, string? targetMsgId = null)
    {
        var stored = await new SqliteMessageStore(database).SaveInboundAsync(null, new MessageRecord
        {
            MsgId = msgId,
            ChatJid = chatJid,
            FromMe = false,
            SenderJid = chatJid,
            SenderPn = chatJid,
            Type = type,
            Body = body,
            Content = message.ToByteArray(),
            TargetMsgId = targetMsgId,
            PushName = "Test Phone",
            Timestamp = DateTimeOffset.UtcNow,
            Status = MessageStatus.Received,
        }, default);
        Assert.True(stored, $"{msgId} in {chatJid} was stored already");
    }

    public static Task TextAsync(LineDatabase database, string chatJid, string msgId, string text) =>
        InboundAsync(database, chatJid, msgId, new Message { Conversation = text }, "text", text);
}
