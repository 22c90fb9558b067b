using WaEngine.Store.Journal;
using System.Text;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Store.Messages;
using WaEngine.Store.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests.Webhooks;

public sealed class WebhookBacklogTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_779_285_900);

    [Fact]
    public async Task The_backlog_counts_untransferred_journal_rows_and_pending_deliveries_but_not_skipped_delivered_or_failed_ones()
    {
        using var folder = new TempFolder();
        using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), default);
        var outbox = new WebhookOutbox(database, new LineId(4));
        var messages = new SqliteMessageStore(database);
        Assert.Equal(0, await outbox.BacklogAsync(default));

        for (var i = 1; i <= 4; i++)
        {
            Assert.True(await messages.SaveInboundAsync(null, Inbound($"M{i}"), default));
        }

        await new SqliteStatusJournal(database).AppendAsync(new LineStatusChange(LineStatus.Connecting, LineStatus.Connected, "logged_in", Now), default);
        Assert.Equal(5, await outbox.BacklogAsync(default));

        // The status row is not wanted (skipped); the four messages become pending deliveries.
        Assert.Equal((5, 4), await outbox.TransferAsync(
            entry => entry.Event == "session.status" ? null : new WebhookDraft(entry.ChatJid!, Encoding.UTF8.GetBytes("{}")), Now, TimeSpan.FromHours(1), 100, default));
        Assert.Equal(4, await outbox.BacklogAsync(default));

        await outbox.MarkDeliveredAsync(1, 200, Now, default);
        Assert.Equal("failed", await outbox.MarkAttemptFailedAsync(2, 500, "HTTP 500", Now.AddHours(2), Now.AddHours(3), default));
        Assert.Equal("pending", await outbox.MarkAttemptFailedAsync(3, 500, "HTTP 500", Now, Now.AddMinutes(1), default));
        Assert.True(await messages.SaveInboundAsync(null, Inbound("M5"), default));

        // Pending: 3 (retrying) and 4; untransferred: M5.
        Assert.Equal(3, await outbox.BacklogAsync(default));
    }

    private static MessageRecord Inbound(string id) => new()
    {
        MsgId = id,
        ChatJid = "15550001111@s.whatsapp.net",
        FromMe = false,
        SenderJid = "15550001111@s.whatsapp.net",
        Type = "text",
        Body = "hello " + id,
        Content = [1],
        Timestamp = Now,
        Status = MessageStatus.Received,
    };
}
