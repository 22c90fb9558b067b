using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Tests.Messages;

public sealed class SendQueueCountTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task The_count_is_what_the_send_queue_lists_until_each_message_is_acknowledged_or_failed()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        Assert.Equal(0, await line.Store.PendingOutboundCountAsync(default));

        foreach (var id in new[] { "Q1", "Q2", "Q3", "Q4" })
        {
            await line.Store.SaveOutboundAsync(Own(id), "15550002222@s.whatsapp.net", T0.AddDays(1), default);
        }

        await line.Store.MarkSendingAsync("Q1", T0.AddSeconds(1), default);
        Assert.True(await line.Store.UpdateStatusAsync("Q2", MessageStatus.Sent, null, T0.AddSeconds(2), default));
        Assert.Equal(4, await line.Store.PendingOutboundCountAsync(default));
        Assert.Equal((await line.Store.PendingOutboundAsync(default)).Count, await line.Store.PendingOutboundCountAsync(default));

        Assert.True(await line.Store.UpdateStatusAsync("Q2", MessageStatus.ServerAck, null, T0.AddSeconds(3), default));
        Assert.True(await line.Store.UpdateStatusAsync("Q3", MessageStatus.Failed, "479", T0.AddSeconds(4), default));
        Assert.Equal(2, await line.Store.PendingOutboundCountAsync(default));
        Assert.Equal((await line.Store.PendingOutboundAsync(default)).Count, await line.Store.PendingOutboundCountAsync(default));
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
