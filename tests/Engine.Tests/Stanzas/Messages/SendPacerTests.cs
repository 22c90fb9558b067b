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

        OutboundEntry[] entries = [Entry("a"), Entry("a"), Entry("b"), Entry("c"), Entry("c")];
        var plan = pacer.Plan(TwoSeconds, entries);

        Assert.Equal([now, now, now.AddSeconds(2.5), now.AddSeconds(5), now.AddSeconds(5)], Due(plan, entries));
        Assert.Empty(plan.Deferred);
    }

    [Fact]
    public void A_stored_time_is_kept_when_later_and_the_first_send_after_a_write_elsewhere_waits_from_that_write()
    {
        var clock = new ManualTimeProvider();
        var pacer = new SendPacer(clock, () => 0);
        var now = clock.GetUtcNow();
        pacer.Written("x");
        clock.Advance(TimeSpan.FromSeconds(1));

        OutboundEntry[] entries = [Entry("a"), Entry("b", scheduledAt: now.AddSeconds(30)), Entry("c"), Entry("b")];
        var plan = pacer.Plan(TwoSeconds, entries);

        // b waits on its own for its stored time (and b's next message behind it); c is not held back by it.
        Assert.Equal([now.AddSeconds(2), now.AddSeconds(30), now.AddSeconds(4), now.AddSeconds(30)], Due(plan, entries));
        Assert.True(plan.Deferred.SetEquals([entries[1].Message.MsgId, entries[3].Message.MsgId]), string.Join(",", plan.Deferred));
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

    [Fact]
    public void A_text_is_due_after_its_typing_proportional_to_its_length_and_capped_and_other_kinds_are_not_typed()
    {
        var clock = new ManualTimeProvider();
        var pacer = new SendPacer(clock, () => 0);
        var now = clock.GetUtcNow();
        var typing = new SendPacing { TypingPerChar = TimeSpan.FromMilliseconds(100), TypingCap = TimeSpan.FromSeconds(3) };
        OutboundEntry[] entries = [Entry("a", text: "hello"), Entry("b", text: new string('x', 500)), Entry("c", type: "image", text: "caption")];

        var plan = pacer.Plan(typing, entries);

        Assert.True(typing.IsOn);
        Assert.Equal([now.AddSeconds(0.5), now.AddSeconds(3.5), now.AddSeconds(3.5)], Due(plan, entries));
        Assert.Equal(TimeSpan.Zero, typing.TypingBefore(entries[2].Message));
    }

    [Fact]
    public void First_messages_to_new_contacts_over_the_hours_cap_wait_for_room_with_their_chat_and_hold_back_no_one()
    {
        var clock = new ManualTimeProvider();
        var pacer = new SendPacer(clock, () => 0);
        var now = clock.GetUtcNow();
        var capped = new SendPacing { NewContactsPerHour = 2 };
        OutboundEntry[] entries = [Entry("new1"), Entry("new2"), Entry("old"), Entry("new2"), Entry("new3")];
        var openers = new HashSet<string>(StringComparer.Ordinal) { entries[1].Message.MsgId, entries[4].Message.MsgId };
        var sentTenMinutesAgo = now.AddMinutes(-10);

        // One first message went out ten minutes ago and new1 is not an opener (it has history): new2 takes the last
        // room, new3 waits until the one ten minutes ago leaves the hour.
        var plan = pacer.Plan(capped, entries, new FirstContacts(openers, [sentTenMinutesAgo]));

        Assert.Equal(
            [now, now, now, now, sentTenMinutesAgo.AddHours(1).AddMilliseconds(1)],
            Due(plan, entries));
        Assert.Equal([entries[4].Message.MsgId], plan.Deferred.ToArray());

        // With no room at all, the opener and its chat's next message wait; the others go now.
        var full = pacer.Plan(capped, entries, new FirstContacts(openers, [now.AddMinutes(-50), now.AddMinutes(-5)]));
        Assert.Equal(now.AddMinutes(10).AddMilliseconds(1), full.Due[entries[1].Message.MsgId]);
        Assert.Equal(now.AddMinutes(10).AddMilliseconds(1), full.Due[entries[3].Message.MsgId]);
        Assert.Equal(now.AddMinutes(55).AddMilliseconds(1), full.Due[entries[4].Message.MsgId]);
        Assert.Equal([now, now], [full.Due[entries[0].Message.MsgId], full.Due[entries[2].Message.MsgId]]);
        Assert.Equal(3, full.Deferred.Count);
    }

    private static DateTimeOffset[] Due(PacingPlan plan, IEnumerable<OutboundEntry> entries) =>
        [.. entries.Select(e => plan.Due[e.Message.MsgId])];

    private static OutboundEntry Entry(string chat, DateTimeOffset? scheduledAt = null, string type = "text", string? text = null) => new(
        new MessageRecord
        {
            MsgId = Guid.NewGuid().ToString("N"),
            ChatJid = chat + "@s.whatsapp.net",
            FromMe = true,
            Type = type,
            Body = text,
            Content = [],
            Timestamp = DateTimeOffset.UnixEpoch,
            Status = MessageStatus.Queued,
            ScheduledAt = scheduledAt,
        },
        chat + "@s.whatsapp.net",
        DateTimeOffset.MaxValue,
        0);
}
