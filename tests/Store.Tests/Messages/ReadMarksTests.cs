using WaEngine.Engine.Messaging;

namespace WaEngine.Store.Tests.Messages;

/// <summary>Read targets (where each receipt goes) and read marks with the chat's unread count following (migration 0013).</summary>
public sealed class ReadMarksTests
{
    private const string Bob = "15550002222@s.whatsapp.net";
    private const string BobLid = "90000000000002@lid";
    private const string Carol = "15550003333@s.whatsapp.net";
    private const string Group = "120363000000000001@g.us";
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task All_unread_are_the_newest_readable_inbound_messages_each_to_the_address_it_came_from()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveInboundAsync(null, Inbound("B1", Bob, T0, origin: Bob), default);
        await line.Store.SaveInboundAsync(null, Inbound("B2", Bob, T0.AddSeconds(1), origin: BobLid), default);
        await line.Store.SaveInboundAsync(null, Inbound("B3", Bob, T0.AddSeconds(2), origin: BobLid) with { Type = "reaction" }, default);
        await line.Store.SaveOutboundAsync(Own("O1", Bob, T0.AddSeconds(3)), Bob, T0.AddDays(1), default);

        var unread = await line.Store.FindReadTargetsAsync(Bob, null, default);

        Assert.Equal([new ReadTarget("B2", BobLid, null), new ReadTarget("B1", Bob, null)], unread);
        Assert.Equal(2, Assert.Single(await line.Store.ListChatsAsync(10, default)).Unread);
        Assert.Equal(2, await line.Store.MarkMessagesReadAsync(Bob, ["B1", "B2"], allUnread: true, T0.AddMinutes(1), default));
        Assert.Equal(0, Assert.Single(await line.Store.ListChatsAsync(10, default)).Unread);
        Assert.Empty(await line.Store.FindReadTargetsAsync(Bob, null, default));
    }

    [Fact]
    public async Task Given_ids_are_only_inbound_readable_messages_of_the_chat_and_unread_drops_by_those_newly_marked()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveInboundAsync(null, Inbound("B1", Bob, T0, origin: Bob), default);
        await line.Store.SaveInboundAsync(null, Inbound("B2", Bob, T0.AddSeconds(1), origin: Bob), default);
        await line.Store.SaveInboundAsync(null, Inbound("C1", Carol, T0, origin: Carol), default);
        await line.Store.SaveOutboundAsync(Own("O1", Bob, T0.AddSeconds(3)), Bob, T0.AddDays(1), default);

        var found = await line.Store.FindReadTargetsAsync(Bob, ["B1", "C1", "O1", "NOPE"], default);
        Assert.Equal([new ReadTarget("B1", Bob, null)], found);

        Assert.Equal(1, await line.Store.MarkMessagesReadAsync(Bob, ["B1"], allUnread: false, T0.AddMinutes(1), default));
        Assert.Equal(0, await line.Store.MarkMessagesReadAsync(Bob, ["B1"], allUnread: false, T0.AddMinutes(2), default));
        var chats = (await line.Store.ListChatsAsync(10, default)).ToDictionary(c => c.Jid, c => c.Unread);
        Assert.Equal(1, chats[Bob]);
        Assert.Equal(1, chats[Carol]);
        Assert.Equal([new ReadTarget("B2", Bob, null)], await line.Store.FindReadTargetsAsync(Bob, null, default));
    }

    [Fact]
    public async Task Group_messages_go_to_the_group_with_their_sender_as_participant()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveInboundAsync(null, Inbound("X", Group, T0, sender: Bob), default);
        await line.Store.SaveInboundAsync(null, Inbound("X", Group, T0.AddSeconds(1), sender: Carol), default);

        var targets = await line.Store.FindReadTargetsAsync(Group, ["X"], default);

        Assert.Equal([new ReadTarget("X", Group, Bob), new ReadTarget("X", Group, Carol)], targets);
    }

    private static MessageRecord Inbound(string id, string chat, DateTimeOffset at, string? sender = null, string? origin = null) => new()
    {
        MsgId = id,
        ChatJid = chat,
        FromMe = false,
        SenderJid = sender ?? chat,
        OriginJid = origin,
        Type = "text",
        Body = "hello " + id,
        Content = [1, 2, 3],
        Timestamp = at,
        Status = MessageStatus.Received,
    };

    private static MessageRecord Own(string id, string chat, DateTimeOffset at) => new()
    {
        MsgId = id,
        ChatJid = chat,
        FromMe = true,
        Type = "text",
        Body = "from me " + id,
        Content = [4, 5],
        Timestamp = at,
        Status = MessageStatus.Queued,
    };
}
