using WaEngine.Engine.Messaging;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.TestKit;

namespace WaEngine.Engine.Tests.Stanzas.Messages;

/// <summary>The send pacer's plan and its floor: gaps between chats only, jitter drawn per gap, stored times kept, real writes counted.</summary>
public class SendPacerTests
{
    private static readonly SendPacing TwoSeconds = new() { MinGap = TimeSpan.FromSeconds(2), Jitter = TimeSpan.FromSeconds(1) };

    [Fact]
    public void Sends_to_other_chats_are_spaced_by_the_gap_and_the_drawn_jitter_and_a_chat_in_a_row_is_not()
    {
        var clock = new ManualTimeProvider();
        var pacer = new SendPacer(clock, () => 0.5);
        var now = clock.GetUtcNow();

        var plan = pacer.Plan(TwoSeconds, [Entry("a"), Entry("a"), Entry("b"), Entry("c"), Entry("c")]);

        Assert.Equal([now, now, now.AddSeconds(2.5), now.AddSeconds(5), now.AddSeconds(5)], plan);
    }

    [Fact]
    public void A_stored_time_is_kept_when_later_and_the_first_send_after_a_write_elsewhere_waits_from_that_write()
    {
        var clock = new ManualTimeProvider();
        var pacer = new SendPacer(clock, () => 0);
        var now = clock.GetUtcNow();
        pacer.Written("x");
        clock.Advance(TimeSpan.FromSeconds(1));

        var plan = pacer.Plan(TwoSeconds, [Entry("a"), Entry("b", scheduledAt: now.AddSeconds(30))]);

        Assert.Equal([now.AddSeconds(2), now.AddSeconds(30)], plan);
    }

    [Fact]
    public void The_floor_is_the_gap_after_the_last_real_write_to_another_chat()
    {
        var clock = new ManualTimeProvider();
        var pacer = new SendPacer(clock, () => 0);
        var planned = clock.GetUtcNow();
        clock.Advance(TimeSpan.FromSeconds(3));
        pacer.Written("a");
        var written = clock.GetUtcNow();

        Assert.Equal(written.AddSeconds(2), pacer.NotBefore(TwoSeconds, "b", planned));
        Assert.Equal(planned, pacer.NotBefore(TwoSeconds, "a", planned));
        Assert.Equal(written.AddSeconds(10), pacer.NotBefore(TwoSeconds, "b", written.AddSeconds(10)));
    }

    private static OutboundEntry Entry(string chat, DateTimeOffset? scheduledAt = null) => new(
        new MessageRecord
        {
            MsgId = Guid.NewGuid().ToString("N"),
            ChatJid = chat + "@s.whatsapp.net",
            FromMe = true,
            Type = "text",
            Content = [],
            Timestamp = DateTimeOffset.UnixEpoch,
            Status = MessageStatus.Queued,
            ScheduledAt = scheduledAt,
        },
        chat + "@s.whatsapp.net",
        DateTimeOffset.MaxValue,
        0);
}
