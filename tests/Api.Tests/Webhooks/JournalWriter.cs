using Dapper;
using Google.Protobuf;
using WaEngine.Proto;
using WaEngine.Store;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>
/// Writes what the message store writes for an inbound message — the message row and its journal row, in one
/// transaction — straight into a line database, for tests of the webhook outbox that need no WhatsApp traffic.
/// </summary>
internal static class JournalWriter
{
    public static async Task<long> InboundAsync(LineDatabase database, string chatJid, string msgId, Message message, string type, string? body, string? targetMsgId = null, DateTimeOffset? at = null)
    {
        var when = (at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds();
        await using var connection = await database.OpenConnectionAsync(default);
        using var transaction = connection.BeginTransaction(deferred: false);
        var seq = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO messages (msg_id, chat_jid, from_me, sender_key, sender_jid, sender_pn, type, body, content, target_msg_id, push_name, timestamp_ms, status, updated_at_ms)
            VALUES (@msgId, @chatJid, 0, @chatJid, @chatJid, @chatJid, @type, @body, @content, @targetMsgId, 'Test Phone', @when, 7, @when) RETURNING seq;
            """,
            new { msgId, chatJid, type, body, content = message.ToByteArray(), targetMsgId, when },
            transaction);
        await connection.ExecuteAsync(
            "INSERT INTO line_events (event, chat_jid, msg_id, message_seq, created_at_ms) VALUES ('messages.received', @chatJid, @msgId, @seq, @when);",
            new { chatJid, msgId, seq, when },
            transaction);
        transaction.Commit();
        return seq;
    }

    public static Task<long> TextAsync(LineDatabase database, string chatJid, string msgId, string text) =>
        InboundAsync(database, chatJid, msgId, new Message { Conversation = text }, "text", text);
}
