using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Tests.Messages;

/// <summary>A batch of status moves is stored in one transaction, each by the same forward-only rule as one alone.</summary>
public sealed class StatusBatchTests
{
    private const string Bob = "15550002222@s.whatsapp.net";
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task A_batch_moves_each_message_forward_only_and_journals_what_changed()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        foreach (var id in (string[])["B1", "B2", "B3"])
        {
            await line.Store.SaveOutboundAsync(Text(id), Bob, T0.AddDays(1), default);
        }

        Assert.True(await line.Store.UpdateStatusAsync("B3", MessageStatus.Read, null, T0, default));
        var journalled = 0;
        line.Database.Journalled += () => journalled++;

        var changed = await line.Store.UpdateStatusesAsync(
        [
            new StatusUpdate("B1", Bob, MessageStatus.Sent, null, T0),
            new StatusUpdate("B2", Bob, MessageStatus.Failed, "encryption failed: test", T0),
            new StatusUpdate("B3", Bob, MessageStatus.Sent, null, T0),
        ], default);

        Assert.Equal([true, true, false], changed);
        Assert.Equal(1, journalled);
        Assert.Equal(MessageStatus.Sent, (await line.Store.FindAsync("B1", default))!.Status);
        Assert.Equal(MessageStatus.Failed, (await line.Store.FindAsync("B2", default))!.Status);
        Assert.Equal(MessageStatus.Read, (await line.Store.FindAsync("B3", default))!.Status);
        Assert.Equal(["B1"], (await line.Store.PendingOutboundAsync(default)).Select(e => e.Message.MsgId));
    }

    [Fact]
    public async Task An_empty_or_unchanged_batch_journals_nothing()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var journalled = 0;
        line.Database.Journalled += () => journalled++;

        Assert.Empty(await line.Store.UpdateStatusesAsync([], default));
        Assert.Equal([false], await line.Store.UpdateStatusesAsync([new StatusUpdate("nobody", Bob, MessageStatus.Sent, null, T0)], default));
        Assert.Equal(0, journalled);
    }

    private static MessageRecord Text(string id) => new()
    {
        MsgId = id,
        ChatJid = Bob,
        FromMe = true,
        Type = "text",
        Body = "hi",
        Content = [1, 2],
        Timestamp = T0,
        Status = MessageStatus.Queued,
    };
}
