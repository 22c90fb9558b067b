using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Tests.Messages;

/// <summary>Our own edits and deletes change their target once the server accepted them, not before, and not when they fail.</summary>
public sealed class OutboundEditTests
{
    private const string Bob = "15550002222@s.whatsapp.net";
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task An_acknowledged_edit_retexts_its_target_and_an_acknowledged_delete_clears_it()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveOutboundAsync(Text("T1", "first"), Bob, T0.AddDays(1), default);
        await line.Store.SaveOutboundAsync(Text("T2", "second"), Bob, T0.AddDays(1), default);
        await line.Store.SaveOutboundAsync(Text("E1", "first, edited") with { Type = "edit", TargetMsgId = "T1" }, Bob, T0.AddDays(1), default);
        await line.Store.SaveOutboundAsync(Text("R1", null) with { Type = "revoke", TargetMsgId = "T2" }, Bob, T0.AddDays(1), default);

        await line.Store.UpdateStatusAsync("E1", MessageStatus.Sent, null, T0.AddSeconds(1), default);
        Assert.Equal("first", (await line.Store.FindAsync("T1", default))!.Body);

        // A delivery receipt may overtake the server's ack: the first status at or past server_ack applies the edit.
        await line.Store.UpdateStatusAsync("E1", MessageStatus.DeliveryAck, null, T0.AddSeconds(2), default);
        var edited = (await line.Store.FindAsync("T1", default))!;
        Assert.Equal(("first, edited", T0.AddSeconds(2)), (edited.Body, edited.EditedAt));

        await line.Store.UpdateStatusAsync("R1", MessageStatus.ServerAck, null, T0.AddSeconds(3), default);
        var deleted = (await line.Store.FindAsync("T2", default))!;
        Assert.True(deleted.Revoked);
        Assert.Null(deleted.Body);
    }

    [Fact]
    public async Task A_failed_edit_leaves_its_target_alone()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveOutboundAsync(Text("T1", "first"), Bob, T0.AddDays(1), default);
        await line.Store.SaveOutboundAsync(Text("E1", "never shown") with { Type = "edit", TargetMsgId = "T1" }, Bob, T0.AddDays(1), default);
        await line.Store.UpdateStatusAsync("E1", MessageStatus.Failed, "server error 463", T0.AddSeconds(1), default);
        var target = (await line.Store.FindAsync("T1", default))!;
        Assert.Equal(("first", (DateTimeOffset?)null), (target.Body, target.EditedAt));
    }

    private static MessageRecord Text(string id, string? body) => new()
    {
        MsgId = id,
        ChatJid = Bob,
        FromMe = true,
        Type = "text",
        Body = body,
        Content = [1, 2],
        Timestamp = T0,
        Status = MessageStatus.Queued,
    };
}
