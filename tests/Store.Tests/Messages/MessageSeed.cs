using WaEngine.Engine.Messaging;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;

namespace WaEngine.Store.Tests.Messages;

/// <summary>
/// Fills a line with inbound messages through the store itself, all in one joint transaction: message i goes to chat
/// i mod chats, one second after message i - 1.
/// </summary>
internal static class MessageSeed
{
    public static string ChatJid(int chat) => $"1555{chat:D7}@s.whatsapp.net";

    public static string MsgId(int index) => $"SEED{index:D7}";

    public static DateTimeOffset Timestamp(DateTimeOffset start, int index) => start.AddSeconds(index);

    public static async Task InboundAsync(LineDatabase database, SqliteMessageStore store, int messages, int chats, DateTimeOffset start, CancellationToken cancellationToken)
    {
        byte[] content = [0x0A, 0x05, 0x68, 0x65, 0x6C, 0x6C, 0x6F];
        await using var transaction = await new SqliteSignalStore(database).BeginSqliteTransactionAsync(cancellationToken);
        for (var i = 0; i < messages; i++)
        {
            var chat = ChatJid(i % chats);
            await store.SaveInboundAsync(
                transaction,
                new MessageRecord
                {
                    MsgId = MsgId(i),
                    ChatJid = chat,
                    FromMe = false,
                    SenderJid = chat,
                    Type = "text",
                    Body = "hello",
                    Content = content,
                    PushName = "Peer",
                    Timestamp = Timestamp(start, i),
                    Status = MessageStatus.Received,
                },
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
