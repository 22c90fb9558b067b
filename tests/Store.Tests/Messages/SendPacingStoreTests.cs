using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Tests.Messages;

/// <summary>A line's send pacing and its queued messages' schedule, as the line's database keeps them.</summary>
public sealed class SendPacingStoreTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task Pacing_is_off_until_set_is_read_back_as_set_and_off_removes_it()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        Assert.Equal(SendPacing.Off, await line.Store.GetSendPacingAsync(default));

        var pacing = new SendPacing { MinGap = TimeSpan.FromMilliseconds(2500), Jitter = TimeSpan.FromSeconds(3) };
        await line.Store.SetSendPacingAsync(pacing, default);
        Assert.Equal(pacing, await line.Store.GetSendPacingAsync(default));

        var typingAndCap = new SendPacing { TypingPerChar = TimeSpan.FromMilliseconds(40), TypingCap = TimeSpan.FromSeconds(4), NewContactsPerHour = 20 };
        await line.Store.SetSendPacingAsync(typingAndCap, default);
        Assert.Equal(typingAndCap, await line.Store.GetSendPacingAsync(default));

        await line.Store.SetSendPacingAsync(SendPacing.Off, default);
        Assert.Equal(SendPacing.Off, await line.Store.GetSendPacingAsync(default));
    }

    [Fact]
    public async Task A_scheduled_time_is_on_the_queued_message_the_queue_lists_and_the_api_reads()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        foreach (var id in new[] { "P1", "P2" })
        {
            await line.Store.SaveOutboundAsync(Own(id), "15550002222@s.whatsapp.net", T0.AddDays(1), default);
        }

        await line.Store.ScheduleAsync([("P2", T0.AddSeconds(7))], default);

        Assert.Equal(T0.AddSeconds(7), (await line.Store.FindAsync("P2", default))!.ScheduledAt);
        Assert.Null((await line.Store.FindAsync("P1", default))!.ScheduledAt);
        var pending = await line.Store.PendingOutboundAsync(default);
        Assert.Equal([null, T0.AddSeconds(7)], pending.Select(e => e.Message.ScheduledAt));
    }

    [Fact]
    public async Task The_new_contact_cap_sees_which_queued_messages_open_a_chat_and_when_recent_first_messages_were_due()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        const string Known = "15550003333@s.whatsapp.net";
        const string Fresh = "15550004444@s.whatsapp.net";
        const string Earlier = "15550005555@s.whatsapp.net";
        await line.Store.SaveOutboundAsync(Own("OLD", Earlier), Earlier, T0.AddDays(1), default);
        await line.Store.ScheduleAsync([("OLD", T0.AddMinutes(-90))], default);
        await line.Store.MarkSendingAsync("OLD", T0, default);
        await line.Store.SaveOutboundAsync(Own("K1", Known), Known, T0.AddDays(1), default);
        await line.Store.ScheduleAsync([("K1", T0.AddMinutes(-5))], default);
        await line.Store.MarkSendingAsync("K1", T0, default);
        await line.Store.SaveOutboundAsync(Own("K2", Known), Known, T0.AddDays(1), default);
        await line.Store.SaveOutboundAsync(Own("F1", Fresh), Fresh, T0.AddDays(1), default);
        await line.Store.SaveOutboundAsync(Own("F2", Fresh), Fresh, T0.AddDays(1), default);

        var firsts = await line.Store.FirstContactsAsync(["K2", "F1", "F2"], T0.AddHours(-1), default);

        // F1 opens its chat; K2 and F2 follow an earlier message. K1 (sending, due 5 minutes ago) counts; OLD is too old.
        Assert.Equal(["F1"], firsts.Openers.ToArray());
        Assert.Equal([T0.AddMinutes(-5)], firsts.RecentSends);
    }

    [Fact]
    public async Task A_contacts_phone_number_and_LID_chats_count_once_toward_the_new_contact_cap()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        const string Pn = "15550006666@s.whatsapp.net";
        const string Lid = "98765432101234@lid";
        const string OtherLid = "11112222333344@lid";
        await line.Store.SaveLidMappingAsync(Lid, Pn, default);
        await line.Store.SaveOutboundAsync(Own("PN1", Pn), Pn, T0.AddDays(1), default);
        await line.Store.ScheduleAsync([("PN1", T0.AddMinutes(-10))], default);
        await line.Store.MarkSendingAsync("PN1", T0, default);
        await line.Store.SaveOutboundAsync(Own("LID1", Lid), Lid, T0.AddDays(1), default);
        await line.Store.ScheduleAsync([("LID1", T0.AddMinutes(-3))], default);
        await line.Store.MarkSendingAsync("LID1", T0, default);
        await line.Store.SaveOutboundAsync(Own("LID2", Lid), Lid, T0.AddDays(1), default);
        await line.Store.SaveOutboundAsync(Own("NEW", OtherLid), OtherLid, T0.AddDays(1), default);

        var firsts = await line.Store.FirstContactsAsync(["LID2", "NEW"], T0.AddHours(-1), default);

        // The contact's LID chat follows its phone-number chat: neither LID message opens anything, and of the two due
        // in the hour only PN1 counts. A LID without a known phone number is a contact of its own.
        Assert.Equal(["NEW"], firsts.Openers.ToArray());
        Assert.Equal([T0.AddMinutes(-10)], firsts.RecentSends);
    }

    private static MessageRecord Own(string id, string chat = "15550002222@s.whatsapp.net") => new()
    {
        MsgId = id,
        ChatJid = chat,
        FromMe = true,
        Type = "text",
        Body = "from me " + id,
        Content = [4, 5],
        Timestamp = T0,
        Status = MessageStatus.Queued,
    };
}
