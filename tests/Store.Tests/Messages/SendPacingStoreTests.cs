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

    private static MessageRecord Own(string id) => new()
    {
        MsgId = id,
        ChatJid = "15550002222@s.whatsapp.net",
        FromMe = true,
        Type = "text",
        Body = "from me " + id,
        Content = [4, 5],
        Timestamp = T0,
        Status = MessageStatus.Queued,
    };
}
