using System.Text;
using Dapper;
using WaEngine.Engine.Session;
using WaEngine.Store.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Webhooks;

/// <summary>One chat's queue of deliveries: its pending ones in journal order, and 2xx answers recorded together.</summary>
public sealed class WebhookChatQueueTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_779_285_900);

    [Fact]
    public async Task A_chat_hands_out_its_pending_deliveries_in_journal_order_up_to_the_first_not_due()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var outbox = new WebhookOutbox(database, new LineId(1));
        var queue = new WebhookChatQueue(database);
        foreach (var (chat, id) in new[] { ("a", "A1"), ("b", "B1"), ("a", "A2"), ("a", "A3"), ("a", "A4") })
        {
            await InsertInboundAsync(database, chat, id);
        }

        await outbox.TransferAsync(e => new WebhookDraft(e.ChatJid ?? "", Encoding.UTF8.GetBytes("{}")), Now, TimeSpan.FromHours(1), 100, default);

        Assert.Equal(["A1", "A2", "A3", "A4"], (await queue.PendingAsync("a", Now, 10, default)).Select(d => d.MsgId));
        Assert.Equal(["A1", "A2"], (await queue.PendingAsync("a", Now, 2, default)).Select(d => d.MsgId));
        Assert.Equal(["B1"], (await queue.PendingAsync("b", Now, 10, default)).Select(d => d.MsgId));
        Assert.Empty(await queue.PendingAsync("c", Now, 10, default));

        // A3 failed and waits for its backoff: the chat hands out nothing from it on, whatever is due behind it.
        await outbox.MarkAttemptFailedAsync(4, 500, "HTTP 500", Now, Now.AddSeconds(30), default);
        Assert.Equal(["A1", "A2"], (await queue.PendingAsync("a", Now, 10, default)).Select(d => d.MsgId));
        Assert.Equal(["A1", "A2", "A3", "A4"], (await queue.PendingAsync("a", Now.AddSeconds(30), 10, default)).Select(d => d.MsgId));
    }

    [Fact]
    public async Task Answers_recorded_together_mark_each_delivery_delivered_with_its_own_code_and_time()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var outbox = new WebhookOutbox(database, new LineId(1));
        var queue = new WebhookChatQueue(database);
        for (var i = 1; i <= 3; i++)
        {
            await InsertInboundAsync(database, "a", $"A{i}");
        }

        await outbox.TransferAsync(e => new WebhookDraft(e.ChatJid ?? "", Encoding.UTF8.GetBytes("{}")), Now, TimeSpan.FromHours(1), 100, default);
        var journalled = 0;
        database.Journalled += () => journalled++;

        await queue.MarkDeliveredAsync([new WebhookDeliveredMark(1, 200, Now), new WebhookDeliveredMark(2, 204, Now.AddSeconds(1))], default);
        await queue.MarkDeliveredAsync([], default);

        Assert.Equal(["A3"], (await queue.PendingAsync("a", Now, 10, default)).Select(d => d.MsgId));
        var first = (await outbox.FindAsync("wd_1_1", default))!;
        var second = (await outbox.FindAsync("wd_1_2", default))!;
        Assert.Equal((WebhookDeliveryStatus.Delivered, 1, 200, Now), (first.Status, first.Attempts, first.LastStatusCode!.Value, first.DeliveredAt!.Value));
        Assert.Equal((WebhookDeliveryStatus.Delivered, 1, 204, Now.AddSeconds(1)), (second.Status, second.Attempts, second.LastStatusCode!.Value, second.DeliveredAt!.Value));
        Assert.Equal(0, journalled);
    }

    private static async Task InsertInboundAsync(LineDatabase database, string chat, string msgId)
    {
        await using var connection = await database.OpenConnectionAsync(default);
        using var transaction = connection.BeginTransaction();
        var seq = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO messages (msg_id, chat_jid, from_me, sender_key, sender_jid, type, body, content, timestamp_ms, status, updated_at_ms)
            VALUES (@msgId, @chat, 0, @chat, @chat, 'text', 'x', X'010203', 1779285900000, 7, 1779285900000) RETURNING seq;
            """,
            new { msgId, chat },
            transaction);
        await connection.ExecuteAsync(
            "INSERT INTO line_events (event, chat_jid, msg_id, message_seq, created_at_ms) VALUES ('messages.received', @chat, @msgId, @seq, 1779285900000);",
            new { chat, msgId, seq },
            transaction);
        transaction.Commit();
    }
}
