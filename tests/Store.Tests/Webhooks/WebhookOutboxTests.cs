using WaEngine.Engine.Session;
using System.Text;
using Dapper;
using Google.Protobuf;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;
using WaEngine.Store.Journal;
using WaEngine.Store.Messages;
using WaEngine.Store.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Webhooks;

public sealed class WebhookOutboxTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_779_285_900);

    [Fact]
    public async Task Journal_rows_become_deliveries_once_with_the_cursor_moved_in_the_same_transaction()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var outbox = new WebhookOutbox(database, new LineId(7));
        await InsertInboundAsync(database, "a@s.whatsapp.net", "M1", "one");
        await InsertInboundAsync(database, "b@s.whatsapp.net", "M2", "two");
        await new SqliteStatusJournal(database).AppendAsync(new LineStatusChange(LineStatus.Connecting, LineStatus.Connected, "login", Now), default);
        Assert.True(await outbox.HasUntransferredAsync(default));

        var seen = new List<JournalEntry>();
        var (read, queued) = await outbox.TransferAsync(entry => { seen.Add(entry); return Draft(entry); }, Now, TimeSpan.FromHours(25), 100, default);
        Assert.Equal((3, 3), (read, queued));
        Assert.False(await outbox.HasUntransferredAsync(default));
        Assert.Equal((0, 0), await outbox.TransferAsync(Draft, Now, TimeSpan.FromHours(25), 100, default));

        Assert.Equal("one", seen[0].Message!.Body);
        Assert.Equal("a@s.whatsapp.net", seen[0].Message!.ChatJid);
        Assert.Equal([1, 2, 3], seen[0].Message!.Content);
        Assert.Equal(("session.status", "connected", "login"), (seen[2].Event, seen[2].Status, seen[2].Detail));
        Assert.Null(seen[2].Message);

        var all = await outbox.ListAsync(null, 10, null, default);
        Assert.Equal(["wd_7_3", "wd_7_2", "wd_7_1"], all.Select(d => d.DeliveryId));
        Assert.All(all, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        Assert.Equal(Now + TimeSpan.FromHours(25), all[0].ExpiresAt);
        Assert.Equal("M1", all[2].MsgId);
    }

    [Fact]
    public async Task Skipped_rows_move_the_cursor_and_a_failing_render_leaves_everything_as_it_was()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var outbox = new WebhookOutbox(database, new LineId(1));
        for (var i = 0; i < 5; i++)
        {
            await InsertInboundAsync(database, "a@s.whatsapp.net", $"M{i}", $"text {i}");
        }

        var calls = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => outbox.TransferAsync(
            entry => ++calls == 3 ? throw new InvalidOperationException("render broke") : Draft(entry), Now, TimeSpan.FromHours(1), 100, default));
        Assert.Empty(await outbox.ListAsync(null, 10, null, default));
        Assert.True(await outbox.HasUntransferredAsync(default));

        Assert.Equal((2, 1), await outbox.TransferAsync(entry => entry.Seq == 2 ? Draft(entry) : null, Now, TimeSpan.FromHours(1), 2, default));
        Assert.Equal((3, 3), await outbox.TransferAsync(Draft, Now, TimeSpan.FromHours(1), 100, default));
        Assert.Equal([5, 4, 3, 2], (await outbox.ListAsync(null, 10, null, default)).Select(d => d.JournalSeq));
    }

    [Fact]
    public async Task Only_the_head_of_each_chat_is_handed_out_until_it_is_delivered_or_given_up()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var outbox = new WebhookOutbox(database, new LineId(1));
        await InsertInboundAsync(database, "a", "A1", "x");
        await InsertInboundAsync(database, "b", "B1", "x");
        await InsertInboundAsync(database, "a", "A2", "x");
        await InsertInboundAsync(database, "b", "B2", "x");
        await outbox.TransferAsync(Draft, Now, TimeSpan.FromMinutes(10), 100, default);

        Assert.Equal(["A1", "B1"], (await outbox.HeadsAsync(10, default)).Select(d => d.MsgId));

        // A failed attempt keeps A1 at the head of chat a, due later; chat b moves on.
        Assert.Equal(WebhookDeliveryStatus.Pending, await outbox.MarkAttemptFailedAsync(1, 500, "HTTP 500", Now, Now.AddSeconds(30), default));
        await outbox.MarkDeliveredAsync(2, 200, Now, default);
        var heads = await outbox.HeadsAsync(10, default);
        Assert.Equal(["B2", "A1"], heads.Select(d => d.MsgId));
        Assert.Equal((1, 500, "HTTP 500", Now.AddSeconds(30)), (heads[1].Attempts, heads[1].LastStatusCode, heads[1].LastError, heads[1].NextAttemptAt));

        // An attempt after expiry gives up: A2 becomes the head.
        Assert.Equal(WebhookDeliveryStatus.Failed, await outbox.MarkAttemptFailedAsync(1, null, "timeout", Now.AddMinutes(10), Now.AddMinutes(11), default));
        Assert.Equal(["A2", "B2"], (await outbox.HeadsAsync(10, default)).Select(d => d.MsgId).Order());
        var failed = Assert.Single(await outbox.ListAsync(WebhookDeliveryStatus.Failed, 10, null, default));
        Assert.Equal((2, (int?)null, "timeout"), (failed.Attempts, failed.LastStatusCode, failed.LastError));

        // A retry by hand makes it pending, due now, with a fresh expiry, and the head of chat a again.
        var retried = await outbox.RetryAsync("wd_1_1", Now.AddHours(1), TimeSpan.FromHours(2), default);
        Assert.Equal((WebhookDeliveryStatus.Pending, Now.AddHours(1), Now.AddHours(3)), (retried!.Status, retried.NextAttemptAt, retried.ExpiresAt));
        Assert.Contains(await outbox.HeadsAsync(10, default), d => d.MsgId == "A1");
        Assert.Null(await outbox.RetryAsync("wd_1_99", Now, TimeSpan.FromHours(2), default));

        var delivered = await outbox.FindAsync("wd_1_2", default);
        Assert.Equal((WebhookDeliveryStatus.Delivered, 1, Now), (delivered!.Status, delivered.Attempts, delivered.DeliveredAt));
        Assert.Equal(1, await outbox.PruneAsync(Now.AddDays(1), default));
        Assert.Null(await outbox.FindAsync("wd_1_2", default));
    }

    [Fact]
    public async Task The_journal_is_pruned_only_behind_the_cursor()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var outbox = new WebhookOutbox(database, new LineId(3));
        await InsertInboundAsync(database, "a@s.whatsapp.net", "M1", "one");
        await InsertInboundAsync(database, "a@s.whatsapp.net", "M2", "two");
        Assert.Equal((2, 2), await outbox.TransferAsync(Draft, Now, TimeSpan.FromHours(25), 100, default));
        await InsertInboundAsync(database, "a@s.whatsapp.net", "M3", "three");

        Assert.Equal(2, await outbox.PruneJournalAsync(DateTimeOffset.UtcNow.AddDays(1), default));
        Assert.Equal(0, await outbox.PruneJournalAsync(DateTimeOffset.UtcNow.AddDays(1), default));
        await using var connection = await database.OpenConnectionAsync(default);
        Assert.Equal(["M3"], await connection.QueryAsync<string>("SELECT msg_id FROM line_events"));

        // The untransferred row still becomes a delivery, and the ones made before stay.
        Assert.Equal((1, 1), await outbox.TransferAsync(Draft, Now, TimeSpan.FromHours(25), 100, default));
        Assert.Equal(3, (await outbox.ListAsync(null, 10, null, default)).Count);
    }

    [Fact]
    public async Task A_database_with_journal_rows_from_before_webhooks_starts_its_cursor_at_the_end()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "line.db");
        using (var database = await LineDatabase.OpenAsync(path, default))
        {
            await using var connection = await database.OpenConnectionAsync(default);
            await connection.ExecuteAsync(
                "DROP TRIGGER webhook_snapshot_received; DROP TABLE webhook_snapshots; DROP TABLE webhook_deliveries; DROP TABLE webhook_cursor; DELETE FROM schema_migrations WHERE version IN (4, 5);");
            await InsertInboundAsync(database, "a", "OLD", "before the upgrade");
        }

        using (var database = await LineDatabase.OpenAsync(path, default))
        {
            var outbox = new WebhookOutbox(database, new LineId(1));
            Assert.False(await outbox.HasUntransferredAsync(default));
            await InsertInboundAsync(database, "a", "NEW", "after");
            Assert.Equal((1, 1), await outbox.TransferAsync(Draft, Now, TimeSpan.FromHours(1), 10, default));
        }
    }

    [Fact]
    public async Task A_message_edited_and_then_deleted_before_its_event_is_transferred_goes_out_as_it_was_received()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var store = new SqliteMessageStore(database);
        const string Chat = "15550001111@s.whatsapp.net";
        var original = new Message { Conversation = "see you at 10" };
        var target = new MessageKey { RemoteJid = Chat, FromMe = false, Id = "M1" };
        await store.SaveInboundAsync(null, Inbound("M1", original), default);
        await store.SaveInboundAsync(null, Inbound("M2", new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage { Key = target, Type = Message.Types.ProtocolMessage.Types.Type.MessageEdit, EditedMessage = new Message { Conversation = "see you at 11" } },
        }), default);
        await store.SaveInboundAsync(null, Inbound("M3", new Message
        {
            ProtocolMessage = new Message.Types.ProtocolMessage { Key = target, Type = Message.Types.ProtocolMessage.Types.Type.Revoke },
        }), default);
        Assert.True((await store.FindInChatAsync(Chat, "M1", default))!.Revoked);

        var outbox = new WebhookOutbox(database, new LineId(1));
        var seen = new List<JournalEntry>();
        await outbox.TransferAsync(entry => { seen.Add(entry); return Draft(entry); }, Now, TimeSpan.FromHours(1), 100, default);
        Assert.Equal(["M1", "M2", "M3"], seen.Select(e => e.Message!.MsgId));
        Assert.Equal("see you at 10", seen[0].Message!.Body);
        Assert.Equal(original.ToByteArray(), seen[0].Message!.Content);
        Assert.Equal(("edit", "M1", "see you at 11"), (seen[1].Message!.Type, seen[1].Message!.TargetMsgId, seen[1].Message!.Body));
        Assert.Equal(("revoke", "M1"), (seen[2].Message!.Type, seen[2].Message!.TargetMsgId));

        // The copies live only until their rows are transferred.
        await using var connection = await database.OpenConnectionAsync(default);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM webhook_snapshots;"));

        static MessageRecord Inbound(string id, Message content) => new()
        {
            MsgId = id,
            ChatJid = Chat,
            FromMe = false,
            SenderJid = Chat,
            SenderPn = Chat,
            Type = MessageContent.KindOf(content),
            Body = MessageContent.BodyOf(content),
            Content = content.ToByteArray(),
            TargetMsgId = MessageContent.TargetOf(content)?.Id,
            Timestamp = Now,
            Status = MessageStatus.Received,
        };
    }

    private static WebhookDraft Draft(JournalEntry entry) => new(entry.ChatJid ?? "", Encoding.UTF8.GetBytes($"{{\"seq\":{entry.Seq}}}"));

    private static async Task InsertInboundAsync(LineDatabase database, string chat, string msgId, string text)
    {
        await using var connection = await database.OpenConnectionAsync(default);
        using var transaction = connection.BeginTransaction();
        var seq = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO messages (msg_id, chat_jid, from_me, sender_key, sender_jid, type, body, content, timestamp_ms, status, updated_at_ms)
            VALUES (@msgId, @chat, 0, @chat, @chat, 'text', @text, X'010203', 1779285900000, 7, 1779285900000) RETURNING seq;
            """,
            new { msgId, chat, text },
            transaction);
        await connection.ExecuteAsync(
            "INSERT INTO line_events (event, chat_jid, msg_id, message_seq, created_at_ms) VALUES ('messages.received', @chat, @msgId, @seq, 1779285900000);",
            new { chat, msgId, seq },
            transaction);
        transaction.Commit();
    }
}
