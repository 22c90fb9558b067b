using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Tests.Messages;

/// <summary>
/// Fills a line's database with inbound messages by raw inserts in one transaction (independent of the store's own
/// write path): message i goes to chat i mod chats, one second after message i - 1; each chat's row is then derived
/// from its messages (newest time, every message unread).
/// </summary>
internal static class MessageSeed
{
    public static string ChatJid(int chat) => $"1555{chat:D7}@s.whatsapp.net";

    public static string MsgId(int index) => $"SEED{index:D7}";

    public static DateTimeOffset Timestamp(DateTimeOffset start, int index) => start.AddSeconds(index);

    public static async Task InboundAsync(LineDatabase database, int messages, int chats, DateTimeOffset start, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO messages (msg_id, chat_jid, from_me, sender_key, sender_jid, type, body, content, push_name, timestamp_ms, status, updated_at_ms)
            VALUES ($id, $chat, 0, $chat, $chat, 'text', 'hello', $content, 'Peer', $at, $status, $at);
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var chat = insert.Parameters.Add("$chat", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        insert.Parameters.AddWithValue("$content", new byte[] { 0x0A, 0x05, 0x68, 0x65, 0x6C, 0x6C, 0x6F });
        insert.Parameters.AddWithValue("$status", (long)MessageStatus.Received);
        insert.Prepare();
        for (var i = 0; i < messages; i++)
        {
            id.Value = MsgId(i);
            chat.Value = ChatJid(i % chats);
            at.Value = Timestamp(start, i).ToUnixTimeMilliseconds();
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var derive = connection.CreateCommand();
        derive.Transaction = transaction;
        derive.CommandText = """
            INSERT INTO chats (jid, name, is_group, last_msg_at_ms, unread)
            SELECT chat_jid, 'Peer', 0, MAX(timestamp_ms), COUNT(*) FROM messages GROUP BY chat_jid;
            """;
        await derive.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
