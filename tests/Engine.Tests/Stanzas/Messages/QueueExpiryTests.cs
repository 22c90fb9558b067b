using WaEngine.Engine.Messaging;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Stanzas.Messages;

/// <summary>The queue's expiry against the pacer: time the pacer put a message off does not count toward it.</summary>
public class QueueExpiryTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromHours(24);

    [Fact]
    public void A_backlog_the_new_contact_cap_spreads_past_the_limit_is_still_live_when_each_message_is_due()
    {
        var clock = new ManualTimeProvider();
        var queuedAt = clock.GetUtcNow();
        var pacer = new SendPacer(clock, () => 0);
        var capped = new SendPacing { NewContactsPerHour = 1 };
        var entries = Enumerable.Range(0, 30).Select(i => Entry($"1555000{i:D4}", queuedAt)).ToList();

        var plan = pacer.Plan(capped, entries, new FirstContacts(entries.Select(e => e.Message.MsgId).ToHashSet(), []));

        // One an hour: the last ones are due a day after they were queued, and none has expired by its time.
        var scheduled = entries.Select(e => e with { Message = e.Message with { ScheduledAt = plan.Due[e.Message.MsgId] } }).ToList();
        Assert.True(scheduled[^1].Message.ScheduledAt > queuedAt + Limit, $"the last is due {scheduled[^1].Message.ScheduledAt}");
        Assert.All(scheduled, e => Assert.True(QueueExpiry.Of(e) > e.Message.ScheduledAt, $"{e.Message.ScheduledAt} expires at {QueueExpiry.Of(e)}"));

        // Each may then wait the whole limit from its due time (a line that cannot send), not a moment more.
        Assert.All(scheduled, e => Assert.Equal(e.Message.ScheduledAt!.Value + Limit, QueueExpiry.Of(e)));
    }

    [Fact]
    public void An_unpaced_message_or_one_due_at_once_expires_at_its_stored_time()
    {
        var queuedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        Assert.Equal(queuedAt + Limit, QueueExpiry.Of(Entry("15550001111", queuedAt)));
        var dueAtOnce = Entry("15550001111", queuedAt);
        dueAtOnce = dueAtOnce with { Message = dueAtOnce.Message with { ScheduledAt = queuedAt } };
        Assert.Equal(queuedAt + Limit, QueueExpiry.Of(dueAtOnce));
    }

    private static OutboundEntry Entry(string phone, DateTimeOffset queuedAt) => new(
        new MessageRecord
        {
            MsgId = Guid.NewGuid().ToString("N"),
            ChatJid = phone + "@s.whatsapp.net",
            FromMe = true,
            Type = "text",
            Body = "hello",
            Content = [],
            Timestamp = queuedAt,
            Status = MessageStatus.Queued,
        },
        phone + "@s.whatsapp.net",
        queuedAt + Limit,
        0);
}
