using WaEngine.Store.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>
/// Delivery is driven by the store, not by polling: a worker exists only for a line with a URL, it wakes on the
/// store's signal after a journalled commit (no test here calls Wake), and it sets no timer before the safety net.
/// </summary>
public sealed class WebhookWakeUpTests
{
    private const string Chat = "15550001111@s.whatsapp.net";

    [Fact]
    public async Task A_line_without_a_url_has_no_worker_and_setting_or_clearing_the_url_starts_or_stops_it()
    {
        using var records = new TempFolder();
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "received.jsonl"));
        await using var rig = await DispatcherRig.StartAsync(DispatcherRig.Fast);
        var (id, database) = await rig.AddLineAsync(null, null);
        var outbox = await rig.OutboxAsync(id);
        Assert.DoesNotContain(id, rig.Dispatcher.Delivering);

        // Journalled while the line has no URL: passed over on the store's signal, never queued, and still no worker.
        await JournalWriter.TextAsync(database, Chat, "WHILE_NONE", "nobody listens");
        await WaitUntilAsync(async () => !await outbox.HasUntransferredAsync(default));
        Assert.Empty(await outbox.ListAsync(null, 10, null, default));
        Assert.DoesNotContain(id, rig.Dispatcher.Delivering);

        await rig.Registry.SetWebhookAsync(id, receiver.Url.ToString(), null, "messages.received", default);
        await rig.Dispatcher.WebhookChangedAsync(id, default);
        Assert.Contains(id, rig.Dispatcher.Delivering);
        await JournalWriter.TextAsync(database, Chat, "WITH_URL", "delivered");
        var delivered = await rig.SettledAsync(id, 1, TimeSpan.FromSeconds(20));
        Assert.Equal("WITH_URL", Assert.Single(delivered).MsgId);

        await rig.Registry.SetWebhookAsync(id, null, null, "messages.received", default);
        await rig.Dispatcher.WebhookChangedAsync(id, default);
        Assert.Empty(rig.Dispatcher.Delivering);
    }

    [Fact]
    public async Task An_idle_worker_sets_no_timer_before_the_safety_net_and_wakes_on_its_lines_journal_alone()
    {
        using var records = new TempFolder();
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "received.jsonl"));
        var clock = new CountingClock();
        await using var rig = await DispatcherRig.StartAsync(DispatcherRig.Fast, time: clock);
        var (id, database) = await rig.AddLineAsync(receiver.Url, null);
        var worker = rig.Dispatcher.WorkerOf(id)!;

        await JournalWriter.TextAsync(database, Chat, "FIRST", "one");
        await rig.SettledAsync(id, 1, TimeSpan.FromSeconds(20));
        await WaitUntilAsync(() => Task.FromResult(worker.Idle));
        var (passes, fired) = (worker.Passes, clock.Fired);

        // 59 minutes in the old 5-second polling steps: no timer of the dispatcher or the worker comes due, so nothing
        // but a signal can wake the worker, and it has read neither the registry nor the outbox.
        for (var step = 0; step < 59 * 12; step++)
        {
            clock.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(fired, clock.Fired);
        Assert.True(worker.Idle);
        Assert.Equal(passes, worker.Passes);

        // The store's signal after the commit is all it takes.
        await JournalWriter.TextAsync(database, Chat, "SECOND", "two");
        var delivered = await rig.SettledAsync(id, 2, TimeSpan.FromSeconds(20));
        Assert.All(delivered, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));
        Assert.True(worker.Passes > passes);
        Assert.Equal(fired, clock.Fired);

        // The safety net is there all the same: an hour after its last look the worker looks once more.
        await WaitUntilAsync(() => Task.FromResult(worker.Idle));
        var beforeNet = worker.Passes;
        clock.Advance(TimeSpan.FromHours(1));
        Assert.True(clock.Fired > fired);
        await WaitUntilAsync(() => Task.FromResult(worker.Passes > beforeNet));
    }

    [Fact]
    public async Task Work_journalled_while_no_dispatcher_ran_is_found_when_one_starts()
    {
        using var records = new TempFolder();
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "received.jsonl"));
        await using var rig = await DispatcherRig.StartAsync(DispatcherRig.Fast);
        var (id, database) = await rig.AddLineAsync(receiver.Url, null);
        await rig.StopDispatcherAsync();

        await JournalWriter.TextAsync(database, Chat, "A", "while stopped");
        await JournalWriter.TextAsync(database, Chat, "B", "while stopped");
        await rig.StartDispatcherAsync();

        var delivered = await rig.SettledAsync(id, 2, TimeSpan.FromSeconds(20));
        Assert.Equal(["A", "B"], delivered.OrderBy(d => d.JournalSeq).Select(d => d.MsgId));
        Assert.All(delivered, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));
    }

    [Fact]
    public async Task A_chats_backlog_goes_out_in_order_in_runs_not_in_one_pass_over_every_head_per_delivery()
    {
        using var records = new TempFolder();
        await using var receiver = await ReceiverProcess.StartAsync(Path.Combine(records.Path, "received.jsonl"));
        await using var rig = await DispatcherRig.StartAsync(DispatcherRig.Fast);
        var (id, database) = await rig.AddLineAsync(receiver.Url, null);
        await rig.StopDispatcherAsync();
        var sent = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            sent.Add($"M{i:000}");
            await JournalWriter.TextAsync(database, Chat, sent[^1], $"backlog {i}");
        }

        await rig.StartDispatcherAsync();
        var delivered = await rig.SettledAsync(id, 300, TimeSpan.FromSeconds(60));

        // All delivered, in journal order (an attempt that failed on a loaded machine is repeated before the next goes);
        // the worker went through the outbox a few times, not once per delivery.
        Assert.Equal(sent, delivered.OrderBy(d => d.JournalSeq).Select(d => d.MsgId));
        Assert.All(delivered, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));
        Assert.Equal(sent, receiver.Requests().Where(r => r.Accepted).Select(r => DeliveryCheck.MessageIdOf(r.Json)).Distinct());
        var passes = rig.Dispatcher.WorkerOf(id)!.Passes;
        Assert.True(passes < 30, $"{passes} passes over the outbox for 300 deliveries of one chat");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The condition did not hold within 10 s.");
    }
}
