using WaEngine.TestKit;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Storage;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;

namespace WaEngine.Store.Tests.Messages;

public sealed class SqliteMessageStoreTests
{
    private const string Alice = "15550001111@s.whatsapp.net";
    private const string AliceLid = "90000000000001@lid";
    private const string Bob = "15550002222@s.whatsapp.net";
    private const string Group = "120363000000000001@g.us";
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task InboundIsStoredOnce()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var message = Inbound("A1", Alice, T0);

        Assert.True(await line.Store.SaveInboundAsync(null, message, default));
        Assert.False(await line.Store.SaveInboundAsync(null, message with { Body = "changed" }, default));

        Assert.Equal(1, await line.CountAsync("SELECT COUNT(*) FROM messages;"));
        Assert.Equal(1, await line.CountAsync("SELECT COUNT(*) FROM line_events;"));
        Assert.Equal(1, Assert.Single(await line.Store.ListChatsAsync(10, default)).Unread);
        Assert.Equal("hello A1", (await line.Store.FindAsync("A1", default))!.Body);
        var journal = Assert.Single(await line.JournalAsync());
        Assert.Equal(("messages.received", Alice, "A1", "received"), (journal.Event, journal.ChatJid, journal.MsgId, journal.Status));
        Assert.Equal(await line.CountAsync("SELECT seq FROM messages;"), journal.MessageSeq);
    }

    [Fact]
    public async Task SameIdFromAnotherSenderOrChatIsAnotherMessage()
    {
        await using var line = await MessageStoreLine.OpenAsync();

        Assert.True(await line.Store.SaveInboundAsync(null, Inbound("X", Group, T0, sender: Alice), default));
        Assert.True(await line.Store.SaveInboundAsync(null, Inbound("X", Group, T0, sender: Bob), default));
        Assert.True(await line.Store.SaveInboundAsync(null, Inbound("X", Alice, T0), default));
        Assert.False(await line.Store.SaveInboundAsync(null, Inbound("X", Group, T0, sender: Bob), default));

        Assert.Equal(3, await line.CountAsync("SELECT COUNT(*) FROM messages;"));
        Assert.Equal(3, await line.CountAsync("SELECT COUNT(*) FROM line_events;"));
    }

    [Fact]
    public async Task EveryFieldRoundTrips()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var message = new MessageRecord
        {
            MsgId = "R1",
            ChatJid = Group,
            FromMe = false,
            SenderJid = Alice,
            SenderPn = Alice,
            SenderLid = AliceLid,
            Type = "image",
            Body = "caption",
            Content = [0, 1, 2, 255],
            TargetMsgId = "Q0",
            PushName = "Alice",
            Timestamp = T0.AddMilliseconds(123),
            Status = MessageStatus.Received,
            Error = "none",
            MediaPath = "/api/media/R1",
            EditedAt = T0.AddSeconds(5),
            Revoked = true,
        };

        Assert.True(await line.Store.SaveInboundAsync(null, message, default));

        var loaded = (await line.Store.FindInChatAsync(Group, "R1", default))!;
        Assert.Equal(message.Content, loaded.Content);
        Assert.Equal(message, loaded with { Content = message.Content });
        var empty = Inbound("R2", Alice, T0) with { Content = [], Body = null };
        Assert.True(await line.Store.SaveInboundAsync(null, empty, default));
        var loadedEmpty = (await line.Store.FindAsync("R2", default))!;
        Assert.Empty(loadedEmpty.Content);
        Assert.Null(loadedEmpty.Body);
        Assert.Null(loadedEmpty.EditedAt);
        Assert.False(loadedEmpty.Revoked);
        Assert.Null(await line.Store.FindAsync("missing", default));
        Assert.Null(await line.Store.FindInChatAsync(Bob, "R1", default));
    }

    [Fact]
    public async Task InboundKeepsChatContactAndLidMapping()
    {
        await using var line = await MessageStoreLine.OpenAsync();

        await line.Store.SaveInboundAsync(null, Inbound("A1", Alice, T0.AddMinutes(5)) with { SenderPn = Alice, SenderLid = AliceLid }, default);
        await line.Store.SaveInboundAsync(null, Inbound("A2", Alice, T0) with { PushName = "Alice B." }, default);
        await line.Store.SaveInboundAsync(null, Inbound("G1", Group, T0.AddMinutes(1), sender: Bob) with { PushName = "Bobby" }, default);
        await line.Store.SaveInboundAsync(null, Own("M1", Alice, T0.AddMinutes(2)) with { PushName = "Me" }, default);

        var chats = await line.Store.ListChatsAsync(10, default);
        Assert.Equal([Alice, Group], chats.Select(c => c.Jid));
        var alice = chats[0];
        Assert.Equal(("Alice B.", false, T0.AddMinutes(5), 2), (alice.Name, alice.IsGroup, alice.LastMessageAt, alice.Unread));
        var group = chats[1];
        Assert.Equal(((string?)null, true, T0.AddMinutes(1), 1), (group.Name, group.IsGroup, group.LastMessageAt, group.Unread));
        Assert.Equal(
            [(Alice, "Alice B."), (Bob, "Bobby")],
            (await line.QueryAsync<(string, string)>("SELECT jid, push_name FROM contacts ORDER BY jid;")).ToList());

        Assert.Equal(Alice, await line.Store.FindPnForLidAsync(AliceLid, default));
        Assert.Equal(AliceLid, await line.Store.FindLidForPnAsync(Alice, default));
        Assert.Null(await line.Store.FindLidForPnAsync(Bob, default));

        await line.Store.MarkChatReadAsync(Alice, default);
        Assert.Equal(0, (await line.Store.ListChatsAsync(10, default))[0].Unread);
    }

    [Fact]
    public async Task LidMappingStaysOneToOne()
    {
        await using var line = await MessageStoreLine.OpenAsync();

        await line.Store.SaveLidMappingAsync(AliceLid, Alice, default);
        await line.Store.SaveLidMappingAsync("90000000000002@lid", Alice, default);
        await line.Store.SaveLidMappingAsync("90000000000002@lid", Alice, default);

        Assert.Equal("90000000000002@lid", await line.Store.FindLidForPnAsync(Alice, default));
        Assert.Null(await line.Store.FindPnForLidAsync(AliceLid, default));
        Assert.Equal(1, await line.CountAsync("SELECT COUNT(*) FROM lid_mappings;"));
    }

    [Fact]
    public async Task EditAndRevokeUpdateTheirTargetAndOnlyMessagesCountAsUnread()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveInboundAsync(null, Inbound("A1", Alice, T0), default);
        await line.Store.SaveInboundAsync(null, Inbound("A2", Alice, T0.AddSeconds(1)), default);

        await line.Store.SaveInboundAsync(null, Inbound("E1", Alice, T0.AddSeconds(10)) with { Type = "edit", Body = "fixed", TargetMsgId = "A1" }, default);
        await line.Store.SaveInboundAsync(null, Inbound("D1", Alice, T0.AddSeconds(11)) with { Type = "revoke", Body = null, TargetMsgId = "A2" }, default);
        await line.Store.SaveInboundAsync(null, Inbound("K1", Alice, T0.AddSeconds(12)) with { Type = "reaction", Body = "👍", TargetMsgId = "A1" }, default);
        await line.Store.SaveInboundAsync(null, Inbound("P1", Alice, T0.AddSeconds(13)) with { Type = "protocol", Body = null }, default);

        var edited = (await line.Store.FindInChatAsync(Alice, "A1", default))!;
        Assert.Equal(("fixed", T0.AddSeconds(10), false), (edited.Body, edited.EditedAt, edited.Revoked));
        var revoked = (await line.Store.FindInChatAsync(Alice, "A2", default))!;
        Assert.Equal(((string?)null, true), (revoked.Body, revoked.Revoked));
        Assert.Empty(revoked.Content);
        var chat = Assert.Single(await line.Store.ListChatsAsync(10, default));
        Assert.Equal((2, T0.AddSeconds(13)), (chat.Unread, chat.LastMessageAt));
        Assert.Equal(6, await line.CountAsync("SELECT COUNT(*) FROM line_events;"));
    }

    [Fact]
    public async Task AnEditOrRevokeTouchesOnlyItsOwnSidesMessage()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveOutboundAsync(Own("M1", Alice, T0), Alice, T0.AddDays(1), default);
        await line.Store.SaveInboundAsync(null, Inbound("A1", Alice, T0), default);

        await line.Store.SaveInboundAsync(null, Inbound("E1", Alice, T0.AddSeconds(1)) with { Type = "edit", Body = "hijack", TargetMsgId = "M1" }, default);
        await line.Store.SaveInboundAsync(null, Own("E2", Alice, T0.AddSeconds(2)) with { Type = "revoke", TargetMsgId = "A1" }, default);
        await line.Store.SaveInboundAsync(null, Own("E3", Alice, T0.AddSeconds(3)) with { Type = "edit", Body = "mine, edited", TargetMsgId = "M1" }, default);

        var own = (await line.Store.FindAsync("M1", default))!;
        Assert.Equal(("mine, edited", T0.AddSeconds(3)), (own.Body, own.EditedAt));
        Assert.False((await line.Store.FindAsync("A1", default))!.Revoked);
    }

    [Fact]
    public async Task InboundJoinsTheSignalTransaction()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var signal = new SqliteSignalStore(line.Database);

        await using (var transaction = await signal.BeginSqliteTransactionAsync(default))
        {
            Assert.True(await line.Store.SaveInboundAsync(transaction, Inbound("A1", Alice, T0) with { SenderPn = Alice, SenderLid = AliceLid }, default));
        }

        Assert.Null(await line.Store.FindAsync("A1", default));
        Assert.Equal(0, await line.CountAsync("SELECT COUNT(*) FROM line_events;"));
        Assert.Equal(0, await line.CountAsync("SELECT COUNT(*) FROM chats;"));
        Assert.Null(await line.Store.FindPnForLidAsync(AliceLid, default));

        await using (var transaction = await signal.BeginSqliteTransactionAsync(default))
        {
            Assert.True(await line.Store.SaveInboundAsync(transaction, Inbound("A1", Alice, T0), default));
            Assert.False(await line.Store.SaveInboundAsync(transaction, Inbound("A1", Alice, T0), default));
            await transaction.CommitAsync(default);
        }

        Assert.NotNull(await line.Store.FindAsync("A1", default));
        Assert.Equal(1, await line.CountAsync("SELECT COUNT(*) FROM line_events;"));
    }

    [Fact]
    public async Task InboundRefusesAForeignTransaction()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await using var foreign = await new InMemorySignalStore().BeginTransactionAsync(default);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => line.Store.SaveInboundAsync(foreign, Inbound("A1", Alice, T0), default));

        Assert.Contains(nameof(SqliteSignalTransaction), error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await line.CountAsync("SELECT COUNT(*) FROM messages;"));
    }

    [Fact]
    public async Task OutboundQueuesInOrderAndCountsAttempts()
    {
        var clock = new FixedClock(T0.AddHours(1));
        await using var line = await MessageStoreLine.OpenAsync(clock);
        await line.Store.SaveOutboundAsync(Own("M2", Bob, T0.AddSeconds(5)), Bob, T0.AddDays(1), default);
        await line.Store.SaveOutboundAsync(Own("M1", Alice, T0), Alice, T0.AddDays(2), default);
        await line.Store.SaveOutboundAsync(Own("M3", Group, T0), Group, T0.AddDays(3), default);

        await line.Store.MarkSendingAsync("M1", T0.AddSeconds(10), default);
        await line.Store.MarkSendingAsync("M1", T0.AddSeconds(20), default);
        Assert.True(await line.Store.UpdateStatusAsync("M3", MessageStatus.Sent, null, T0.AddSeconds(30), default));

        // Sent but not acknowledged by the server stays queued: a dead socket may have eaten it.
        var pending = await line.Store.PendingOutboundAsync(default);
        Assert.Equal(["M2", "M1", "M3"], pending.Select(p => p.Message.MsgId));
        Assert.Equal(MessageStatus.Sent, pending[2].Message.Status);
        Assert.Equal((Bob, T0.AddDays(1), 0, MessageStatus.Queued), (pending[0].ToJid, pending[0].ExpiresAt, pending[0].Attempts, pending[0].Message.Status));
        Assert.Equal((Alice, T0.AddDays(2), 2, MessageStatus.Sending), (pending[1].ToJid, pending[1].ExpiresAt, pending[1].Attempts, pending[1].Message.Status));
        Assert.True(pending[1].Message.FromMe);
        Assert.All(await line.Store.ListChatsAsync(10, default), c => Assert.Equal(0, c.Unread));

        var journal = await line.JournalAsync();
        Assert.Equal(
            ["M2 queued", "M1 queued", "M3 queued", "M1 sending", "M3 sent"],
            journal.Select(j => $"{j.MsgId} {j.Status}"));
        Assert.All(journal, j => Assert.Equal("message.status", j.Event));
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), journal[0].CreatedAtMs);
    }

    [Fact]
    public async Task StatusWalksForwardAndEachStepIsJournaled()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveOutboundAsync(Own("M1", Alice, T0), Alice, T0.AddDays(1), default);

        await line.Store.MarkSendingAsync("M1", T0.AddSeconds(1), default);
        Assert.True(await line.Store.UpdateStatusAsync("M1", MessageStatus.Sent, null, T0.AddSeconds(2), default));
        Assert.Single(await line.Store.PendingOutboundAsync(default));
        Assert.True(await line.Store.UpdateStatusAsync("M1", MessageStatus.ServerAck, null, T0.AddSeconds(3), default));
        Assert.Empty(await line.Store.PendingOutboundAsync(default));
        Assert.False(await line.Store.UpdateStatusAsync("M1", MessageStatus.Failed, "479", T0.AddSeconds(4), default));
        Assert.True(await line.Store.UpdateStatusAsync("M1", MessageStatus.DeliveryAck, null, T0.AddSeconds(5), default));
        Assert.True(await line.Store.UpdateStatusAsync("M1", MessageStatus.Read, null, T0.AddSeconds(6), default));
        Assert.False(await line.Store.UpdateStatusAsync("M1", MessageStatus.DeliveryAck, null, T0.AddSeconds(7), default));
        Assert.False(await line.Store.UpdateStatusAsync("unknown", MessageStatus.Sent, null, T0, default));

        var message = (await line.Store.FindAsync("M1", default))!;
        Assert.Equal((MessageStatus.Read, (string?)null), (message.Status, message.Error));
        var journal = await line.JournalAsync();
        Assert.Equal(["queued", "sending", "sent", "server_ack", "delivery_ack", "read"], journal.Select(j => j.Status));
        Assert.Equal(T0.AddSeconds(6).ToUnixTimeMilliseconds(), journal[^1].CreatedAtMs);
        Assert.All(journal, j => Assert.Equal(("M1", Alice), (j.MsgId, j.ChatJid)));
    }

    [Fact]
    public async Task FailureFromSendingLeavesTheQueueWithItsReason()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveOutboundAsync(Own("M1", Alice, T0), Alice, T0.AddDays(1), default);
        await line.Store.MarkSendingAsync("M1", T0, default);

        Assert.True(await line.Store.UpdateStatusAsync("M1", MessageStatus.Failed, "encrypt: no session", T0.AddSeconds(1), default));

        Assert.Empty(await line.Store.PendingOutboundAsync(default));
        Assert.Equal(0, await line.CountAsync("SELECT COUNT(*) FROM send_queue;"));
        var failed = (await line.Store.FindAsync("M1", default))!;
        Assert.Equal((MessageStatus.Failed, "encrypt: no session"), (failed.Status, failed.Error));
        Assert.False(await line.Store.UpdateStatusAsync("M1", MessageStatus.Sent, null, T0.AddSeconds(2), default));
        var last = (await line.JournalAsync())[^1];
        Assert.Equal(("failed", "encrypt: no session"), (last.Status, last.Detail));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => line.Store.MarkSendingAsync("M1", T0, default));
        Assert.Contains("M1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SentButUnacknowledgedStaysQueuedUntilItExpires()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveOutboundAsync(Own("M1", Alice, T0), Alice, T0.AddDays(1), default);
        await line.Store.MarkSendingAsync("M1", T0, default);
        await line.Store.UpdateStatusAsync("M1", MessageStatus.Sent, null, T0.AddSeconds(1), default);

        var resend = Assert.Single(await line.Store.PendingOutboundAsync(default));
        Assert.Equal((MessageStatus.Sent, 1), (resend.Message.Status, resend.Attempts));
        Assert.True(await line.Store.UpdateStatusAsync("M1", MessageStatus.Failed, "expired", T0.AddDays(2), default));

        Assert.Empty(await line.Store.PendingOutboundAsync(default));
        Assert.Equal(0, await line.CountAsync("SELECT COUNT(*) FROM send_queue;"));
    }

    [Fact]
    public async Task DuplicateOutboundIdThrowsAndWritesNothing()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveOutboundAsync(Own("M1", Alice, T0), Alice, T0.AddDays(1), default);

        var sameChat = await Assert.ThrowsAsync<InvalidOperationException>(() => line.Store.SaveOutboundAsync(Own("M1", Alice, T0), Alice, T0, default));
        var otherChat = await Assert.ThrowsAsync<InvalidOperationException>(() => line.Store.SaveOutboundAsync(Own("M1", Bob, T0), Bob, T0, default));

        Assert.Contains("M1", sameChat.Message, StringComparison.Ordinal);
        Assert.Contains("already stored", otherChat.Message, StringComparison.Ordinal);
        Assert.Equal(1, await line.CountAsync("SELECT COUNT(*) FROM messages;"));
        Assert.Equal(1, await line.CountAsync("SELECT COUNT(*) FROM send_queue;"));
        Assert.Equal(1, await line.CountAsync("SELECT COUNT(*) FROM line_events;"));
        Assert.Equal(1, await line.CountAsync("SELECT COUNT(*) FROM chats;"));
    }

    [Fact]
    public async Task OwnIdSharedWithAnInboundMessageIsFoundOwnFirst()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveInboundAsync(null, Inbound("X", Bob, T0.AddSeconds(1)), default);
        await line.Store.SaveOutboundAsync(Own("X", Alice, T0), Alice, T0.AddDays(1), default);

        Assert.True((await line.Store.FindAsync("X", default))!.FromMe);
        Assert.False((await line.Store.FindInChatAsync(Bob, "X", default))!.FromMe);
        Assert.True(await line.Store.UpdateStatusAsync("X", MessageStatus.Sent, null, T0, default));
        Assert.Equal(MessageStatus.Received, (await line.Store.FindInChatAsync(Bob, "X", default))!.Status);
    }

    [Fact]
    public async Task RacingStatusUpdatesEndAtTheHighestWithOneJournalRowPerChange()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        MessageStatus[] statuses =
        [
            MessageStatus.Sending, MessageStatus.Sent, MessageStatus.ServerAck, MessageStatus.DeliveryAck,
            MessageStatus.Read, MessageStatus.Sent, MessageStatus.ServerAck, MessageStatus.DeliveryAck,
        ];

        for (var round = 0; round < 10; round++)
        {
            var id = $"M{round}";
            await line.Store.SaveOutboundAsync(Own(id, Alice, T0), Alice, T0.AddDays(1), default);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = statuses.Select(status => Task.Run(async () =>
            {
                await start.Task;
                return await line.Store.UpdateStatusAsync(id, status, null, T0, default);
            })).ToList();
            start.SetResult();
            var changes = await Task.WhenAll(racers);

            Assert.Equal(MessageStatus.Read, (await line.Store.FindAsync(id, default))!.Status);
            var journal = (await line.JournalAsync()).Where(j => j.MsgId == id && j.Status != "queued").ToList();
            Assert.Equal(changes.Count(c => c), journal.Count);
            Assert.Equal("read", journal[^1].Status);
            var order = journal.Select(j => MessageStatusNames.TryParse(j.Status, out var s) ? (int)s : -1).ToList();
            Assert.Equal(order.Order(), order);
            Assert.Equal(order.Distinct().Count(), order.Count);
        }
    }

    [Fact]
    public async Task MessagesOfTheSameTimeComeNewestStoredFirst()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveInboundAsync(null, Inbound("A1", Alice, T0), default);
        await line.Store.SaveInboundAsync(null, Inbound("B1", Bob, T0), default);
        await line.Store.SaveInboundAsync(null, Inbound("A2", Alice, T0), default);
        await line.Store.SaveInboundAsync(null, Inbound("A0", Alice, T0.AddSeconds(-1)), default);

        Assert.Equal(["A2", "B1", "A1", "A0"], (await line.Store.RecentAsync(10, default)).Select(m => m.MsgId));
        Assert.Equal(["A2", "A1", "A0"], (await line.Store.HistoryAsync(Alice, 10, default)).Select(m => m.MsgId));
        Assert.Equal([Alice, Bob], (await line.Store.ListChatsAsync(10, default)).Select(c => c.Jid));
    }

    [Fact]
    public async Task DeviceListsRoundTripAndAreForgotten()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveDeviceListAsync(new DeviceList(Alice, [0, 3, 12], T0), default);
        await line.Store.SaveDeviceListAsync(new DeviceList(Bob, [], T0), default);
        await line.Store.SaveDeviceListAsync(new DeviceList(Alice, [0, 7], T0.AddHours(1)), default);

        var alice = (await line.Store.GetDeviceListAsync(Alice, default))!;
        Assert.Equal((Alice, T0.AddHours(1)), (alice.UserJid, alice.FetchedAt));
        Assert.Equal([0, 7], alice.DeviceIds);
        Assert.Empty((await line.Store.GetDeviceListAsync(Bob, default))!.DeviceIds);

        await line.Store.ForgetDeviceListAsync(Alice, default);
        Assert.Null(await line.Store.GetDeviceListAsync(Alice, default));
        Assert.NotNull(await line.Store.GetDeviceListAsync(Bob, default));
    }

    [Fact]
    public async Task LimitsAreClampedAndBadArgumentsSayWhatIsWrong()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        await line.Store.SaveInboundAsync(null, Inbound("A1", Alice, T0), default);
        await line.Store.SaveInboundAsync(null, Inbound("A2", Alice, T0.AddSeconds(1)), default);

        Assert.Single(await line.Store.HistoryAsync(Alice, 0, default));
        Assert.Single(await line.Store.RecentAsync(-5, default));
        Assert.Single(await line.Store.ListChatsAsync(int.MinValue, default));
        Assert.Equal(2, (await line.Store.HistoryAsync(Alice, int.MaxValue, default)).Count);

        await Assert.ThrowsAsync<ArgumentException>(() => line.Store.HistoryAsync(" ", 10, default));
        await Assert.ThrowsAsync<ArgumentNullException>(() => line.Store.SaveInboundAsync(null, null!, default));
        var noChat = await Assert.ThrowsAsync<ArgumentException>(() => line.Store.SaveInboundAsync(null, Inbound("A3", "", T0), default));
        Assert.Contains("A3 has no ChatJid", noChat.Message, StringComparison.Ordinal);
        var notOwn = await Assert.ThrowsAsync<ArgumentException>(() => line.Store.SaveOutboundAsync(Inbound("B1", Alice, T0), Alice, T0, default));
        Assert.Contains("FromMe", notOwn.Message, StringComparison.Ordinal);
        var notQueued = await Assert.ThrowsAsync<ArgumentException>(
            () => line.Store.SaveOutboundAsync(Own("B2", Alice, T0) with { Status = MessageStatus.Sent }, Alice, T0, default));
        Assert.Contains("queued, not sent", notQueued.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => line.Store.UpdateStatusAsync("A1", (MessageStatus)42, null, T0, default));
        var negative = await Assert.ThrowsAsync<ArgumentException>(() => line.Store.SaveDeviceListAsync(new DeviceList(Alice, [0, -1], T0), default));
        Assert.Contains("-1", negative.Message, StringComparison.Ordinal);
        Assert.Equal(2, await line.CountAsync("SELECT COUNT(*) FROM messages;"));
    }

    [Fact]
    public async Task HundredThousandMessagesAreReadThroughIndexes()
    {
        const int Chats = 500;
        const int Messages = 100_000;
        await using var line = await MessageStoreLine.OpenAsync();
        await MessageSeed.InboundAsync(line.Database, Messages, Chats, T0, default);

        var chat = MessageSeed.ChatJid(7);
        var history = await line.Store.HistoryAsync(chat, 50, default);
        Assert.Equal(Enumerable.Range(0, 50).Select(k => MessageSeed.MsgId(Messages - Chats + 7 - (k * Chats))), history.Select(m => m.MsgId));
        Assert.All(history, m => Assert.Equal(chat, m.ChatJid));

        var recent = await line.Store.RecentAsync(20, default);
        Assert.Equal(Enumerable.Range(0, 20).Select(k => MessageSeed.MsgId(Messages - 1 - k)), recent.Select(m => m.MsgId));

        var chats = await line.Store.ListChatsAsync(100, default);
        Assert.Equal(Enumerable.Range(0, 100).Select(k => MessageSeed.ChatJid(Chats - 1 - k)), chats.Select(c => c.Jid));
        Assert.All(chats, c => Assert.Equal(Messages / Chats, c.Unread));

        var found = (await line.Store.FindAsync(MessageSeed.MsgId(12_345), default))!;
        Assert.Equal((MessageSeed.ChatJid(12_345 % Chats), MessageSeed.Timestamp(T0, 12_345)), (found.ChatJid, found.Timestamp));
        Assert.NotNull(await line.Store.FindInChatAsync(MessageSeed.ChatJid(12_345 % Chats), MessageSeed.MsgId(12_345), default));

        Assert.False(await line.Store.SaveInboundAsync(null, Inbound(MessageSeed.MsgId(12_345), MessageSeed.ChatJid(12_345 % Chats), T0), default));
        Assert.True(await line.Store.SaveInboundAsync(null, Inbound("NEW", chat, MessageSeed.Timestamp(T0, Messages)), default));
        Assert.Equal("NEW", (await line.Store.HistoryAsync(chat, 1, default))[0].MsgId);
        Assert.Equal((chat, Messages / Chats + 1), ((await line.Store.ListChatsAsync(1, default))[0].Jid, (await line.Store.ListChatsAsync(1, default))[0].Unread));

        await AssertIndexedAsync(line, SqliteMessageStore.HistorySql, "messages_by_chat_time", new { chatJid = chat, limit = 50 });
        await AssertIndexedAsync(line, SqliteMessageStore.RecentSql, "messages_by_time", new { limit = 20 });
        await AssertIndexedAsync(line, SqliteMessageStore.ListChatsSql, "chats_by_activity", new { limit = 100 });
        await AssertIndexedAsync(line, SqliteMessageStore.FindSql, "messages_by_id", new { msgId = "x" });
        await AssertIndexedAsync(line, SqliteMessageStore.FindInChatSql, "sqlite_autoindex_messages_1", new { chatJid = chat, msgId = "x" });
        await AssertIndexedAsync(line, OutboundStatus.CurrentStatusSql, "messages_", new { msgId = "x" });
    }

    private static async Task AssertIndexedAsync(MessageStoreLine line, string sql, string index, object parameters)
    {
        var plan = (await line.QueryAsync<string>("EXPLAIN QUERY PLAN " + sql, parameters, column: "detail")).ToList();
        var text = string.Join(" | ", plan);
        Assert.Contains(plan, step => step.Contains(index, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal) && !step.Contains(" USING ", StringComparison.Ordinal));
        Assert.False(text.Contains("TEMP B-TREE", StringComparison.Ordinal), $"sorts instead of reading the index in order: {text}");
    }

    private static MessageRecord Inbound(string id, string chat, DateTimeOffset at, string? sender = null) => new()
    {
        MsgId = id,
        ChatJid = chat,
        FromMe = false,
        SenderJid = sender ?? chat,
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
