using WaEngine.Engine.Session;
using System.Diagnostics;
using Google.Protobuf;
using WaEngine.Engine.Messaging;
using WaEngine.Proto;
using WaEngine.Store.Journal;
using WaEngine.Store.Messages;
using WaEngine.Store.Webhooks;
using WaEngine.TestKit;
using Xunit.Abstractions;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>The dispatcher in-process against the real receiver process on loopback; journal rows written directly.</summary>
public sealed class WebhookDispatcherTests(ITestOutputHelper output)
{
    private const string Secret = "a-shared-secret";

    [Fact]
    public async Task Every_message_arrives_signed_in_order_per_chat_through_500s_and_timeouts_with_duplicates_under_one_id()
    {
        using var records = new TempFolder();
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "received.jsonl"), failEvery: 7, slowEvery: 13, slowMs: 900);
        await using var rig = await DispatcherRig.StartAsync(DispatcherRig.Fast);
        var (id, database) = await rig.AddLineAsync(receiver.Url, Secret);

        var sent = new Dictionary<string, List<string>>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 300; i++)
        {
            var chat = $"1555000{i % 3:0000}@s.whatsapp.net";
            var msgId = $"M{i:0000}";
            await JournalWriter.TextAsync(database, chat, msgId, $"message {i}");
            (sent.TryGetValue(chat, out var list) ? list : sent[chat] = []).Add(msgId);
            rig.Dispatcher.Wake(id);
        }

        var deliveries = await rig.SettledAsync(id, 300, TimeSpan.FromSeconds(90));
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));
        Assert.Contains(deliveries, d => d.Attempts > 1);
        var figures = DeliveryCheck.Verify(receiver.Requests(), sent, Secret);
        output.WriteLine($"{figures} in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(figures.Answered500 > 0 && figures.Stalled > 0 && figures.Duplicates > 0, figures.ToString());
    }

    [Fact]
    public async Task A_receiver_that_never_answers_holds_up_only_its_own_line()
    {
        using var records = new TempFolder();
        await using var stuck = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "stuck.jsonl"), slowEvery: 1, slowMs: 60_000);
        await using var healthy = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "healthy.jsonl"));
        await using var rig = await DispatcherRig.StartAsync(DispatcherRig.Fast);
        var (stuckLine, stuckDatabase) = await rig.AddLineAsync(stuck.Url, null);
        var (healthyLine, healthyDatabase) = await rig.AddLineAsync(healthy.Url, null);
        for (var i = 0; i < 50; i++)
        {
            await JournalWriter.TextAsync(stuckDatabase, "1@s.whatsapp.net", $"S{i}", "to the stuck receiver");
            await JournalWriter.TextAsync(healthyDatabase, "1@s.whatsapp.net", $"H{i}", "to the healthy receiver");
        }

        rig.Dispatcher.Wake(stuckLine);
        rig.Dispatcher.Wake(healthyLine);
        var clock = Stopwatch.StartNew();
        await rig.SettledAsync(healthyLine, 50, TimeSpan.FromSeconds(20));
        output.WriteLine($"50 deliveries to the healthy receiver in {clock.Elapsed.TotalSeconds:0.00} s while the other line's receiver hangs");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");

        // Meanwhile the stuck line keeps timing out on its first message, and retries it.
        var stuckOutbox = await rig.OutboxAsync(stuckLine);
        await WaitUntilAsync(async () => (await stuckOutbox.HeadsAsync(10, default)).Single().Attempts >= 2);
        var head = (await stuckOutbox.HeadsAsync(10, default)).Single();
        Assert.Equal("S0", head.MsgId);
        Assert.Equal("no answer within 0.5 s", head.LastError);
        Assert.Null(head.LastStatusCode);
        Assert.Empty(await stuckOutbox.ListAsync(WebhookDeliveryStatus.Delivered, 10, null, default));
    }

    [Fact]
    public async Task A_delivery_given_up_after_its_max_age_goes_out_again_when_retried_by_hand()
    {
        using var records = new TempFolder();
        var port = ReceiverProcess.FreePort();
        await using var rig = await DispatcherRig.StartAsync(DispatcherRig.Fast with { MaxAge = TimeSpan.FromSeconds(1) });
        var (id, database) = await rig.AddLineAsync(new Uri($"http://127.0.0.1:{port}/webhook/waengine"), Secret);
        await JournalWriter.TextAsync(database, "1@s.whatsapp.net", "A", "first");
        await JournalWriter.TextAsync(database, "1@s.whatsapp.net", "B", "second");
        rig.Dispatcher.Wake(id);

        var failed = await rig.SettledAsync(id, 2, TimeSpan.FromSeconds(20));
        Assert.All(failed, d => Assert.Equal(WebhookDeliveryStatus.Failed, d.Status));
        Assert.All(failed, d => Assert.StartsWith("connection failed", d.LastError, StringComparison.Ordinal));
        Assert.True(failed.Single(d => d.MsgId == "A").Attempts > 1);

        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "received.jsonl"), port: port);
        var outbox = await rig.OutboxAsync(id);
        foreach (var delivery in failed.OrderBy(d => d.JournalSeq))
        {
            await outbox.RetryAsync(delivery.DeliveryId, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), default);
        }

        rig.Dispatcher.Wake(id);
        var delivered = await rig.SettledAsync(id, 2, TimeSpan.FromSeconds(20));
        Assert.All(delivered, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));
        DeliveryCheck.Verify(receiver.Requests(), new Dictionary<string, List<string>> { ["1@s.whatsapp.net"] = ["A", "B"] }, Secret);
    }

    [Fact]
    public async Task Events_while_a_session_has_no_url_are_not_queued_and_only_wanted_events_are()
    {
        using var records = new TempFolder();
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "received.jsonl"));
        await using var rig = await DispatcherRig.StartAsync(DispatcherRig.Fast);
        var (id, database) = await rig.AddLineAsync(null, null, "messages.received,session.status");
        var outbox = await rig.OutboxAsync(id);
        await JournalWriter.TextAsync(database, "1@s.whatsapp.net", "BEFORE", "no url yet");
        rig.Dispatcher.Wake(id);
        await WaitUntilAsync(async () => !await outbox.HasUntransferredAsync(default));
        Assert.Empty(await outbox.ListAsync(null, 10, null, default));

        await rig.Registry.SetWebhookAsync(id, receiver.Url.ToString(), null, "session.status", default);
        await JournalWriter.TextAsync(database, "1@s.whatsapp.net", "UNWANTED", "messages.received is not asked for now");
        await new SqliteStatusJournal(database).AppendAsync(new LineStatusChange(LineStatus.Connecting, LineStatus.Connected, "login", DateTimeOffset.UtcNow), default);
        rig.Dispatcher.Wake(id);
        var delivered = await rig.SettledAsync(id, 1, TimeSpan.FromSeconds(10));
        Assert.Equal("session.status", Assert.Single(delivered).Event);
        var request = Assert.Single(receiver.Requests());
        Assert.Equal("connected", request.Json["data"]!["status"]!.GetValue<string>());
        Assert.Equal($"wd_{id}_3", request.Delivery);
    }

    [Fact]
    public async Task An_outbound_message_walking_its_statuses_is_reported_in_order_by_message_status()
    {
        using var records = new TempFolder();
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "received.jsonl"), failEvery: 2);
        await using var rig = await DispatcherRig.StartAsync(DispatcherRig.Fast);
        var (id, database) = await rig.AddLineAsync(receiver.Url, Secret, "message.status");
        var store = new SqliteMessageStore(database);
        var chat = "15550009999@s.whatsapp.net";
        var now = DateTimeOffset.UtcNow;
        await store.SaveOutboundAsync(new MessageRecord
        {
            MsgId = "3EB0OUT1",
            ChatJid = chat,
            FromMe = true,
            Type = "text",
            Body = "hi",
            Content = new Message { Conversation = "hi" }.ToByteArray(),
            Timestamp = now,
            Status = MessageStatus.Queued,
        }, chat, now.AddHours(1), default);
        foreach (var status in (MessageStatus[])[MessageStatus.Sent, MessageStatus.ServerAck, MessageStatus.DeliveryAck, MessageStatus.Read])
        {
            Assert.True(await store.UpdateStatusAsync("3EB0OUT1", status, null, DateTimeOffset.UtcNow, default));
        }

        await JournalWriter.TextAsync(database, chat, "IN1", "messages.received is not asked for");
        rig.Dispatcher.Wake(id);
        await rig.SettledAsync(id, 5, TimeSpan.FromSeconds(20));
        var accepted = receiver.Requests().Where(r => r.Accepted).ToList();
        Assert.Equal(["queued", "sent", "server_ack", "delivery_ack", "read"], accepted.Select(r => r.Json["data"]!["status"]!.GetValue<string>()));
        Assert.All(accepted, r => Assert.Equal(("message.status", "3EB0OUT1", chat, true), (r.Event, r.Json["data"]!["key"]!["id"]!.GetValue<string>(), r.Json["data"]!["key"]!["remoteJid"]!.GetValue<string>(), r.Json["data"]!["key"]!["fromMe"]!.GetValue<bool>())));
        Assert.All(receiver.Requests(), r => Assert.True(r.SignatureValid(Secret)));
        Assert.True(receiver.Requests().Count(r => r.Outcome == "fail") >= 4);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The condition did not hold within 10 s.");
    }
}
