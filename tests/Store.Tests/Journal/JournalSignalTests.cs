using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Store.Journal;
using WaEngine.Store.Signal;
using WaEngine.Store.Tests.Messages;

namespace WaEngine.Store.Tests.Journal;

/// <summary>
/// <see cref="LineDatabase.Journalled"/>: raised once after every commit that appended a journal row, from every
/// writer of <c>line_events</c>, and never for a write that journalled nothing or did not commit.
/// </summary>
public sealed class JournalSignalTests
{
    private const string Alice = "15550001111@s.whatsapp.net";
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task Every_journalling_commit_signals_once_and_writes_that_journal_nothing_do_not()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var rowsSeen = new List<long>();
        line.Database.Journalled += () =>
        {
            using var reader = new SqliteConnection($"Data Source={line.Database.Path};Mode=ReadOnly;Pooling=False");
            reader.Open();
            rowsSeen.Add(reader.ExecuteScalar<long>("SELECT COUNT(*) FROM line_events;"));
        };

        Assert.True(await line.Store.SaveInboundAsync(null, Inbound("A1"), default));
        Assert.False(await line.Store.SaveInboundAsync(null, Inbound("A1"), default));
        await line.Store.SaveOutboundAsync(Own("M1"), Alice, T0.AddDays(1), default);
        await line.Store.MarkSendingAsync("M1", T0.AddSeconds(1), default);
        Assert.True(await line.Store.UpdateStatusAsync("M1", MessageStatus.ServerAck, null, T0.AddSeconds(2), default));
        Assert.False(await line.Store.UpdateStatusAsync("M1", MessageStatus.Sent, null, T0.AddSeconds(3), default));
        await line.Store.MarkChatReadAsync(Alice, default);
        await line.Store.SaveLidMappingAsync("1@lid", Alice, default);
        await new SqliteStatusJournal(line.Database).AppendAsync(new LineStatusChange(LineStatus.Connecting, LineStatus.Connected, "logged_in", T0), default);

        // Each signal came after its commit: the handler already saw the row it announces.
        Assert.Equal([1, 2, 3, 4, 5], rowsSeen);
    }

    [Fact]
    public async Task A_message_stored_in_the_signal_transaction_signals_only_when_that_transaction_commits()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var signal = new SqliteSignalStore(line.Database);
        var signals = 0;
        line.Database.Journalled += () => signals++;

        await using (var rolledBack = await signal.BeginSqliteTransactionAsync(default))
        {
            Assert.True(await line.Store.SaveInboundAsync(rolledBack, Inbound("A1"), default));
        }

        Assert.Equal(0, signals);
        await using (var nothingJournalled = await signal.BeginSqliteTransactionAsync(default))
        {
            await nothingJournalled.CommitAsync(default);
        }

        Assert.Equal(0, signals);
        await using (var committed = await signal.BeginSqliteTransactionAsync(default))
        {
            Assert.True(await line.Store.SaveInboundAsync(committed, Inbound("A1"), default));
            Assert.True(await line.Store.SaveInboundAsync(committed, Inbound("A2"), default));
            Assert.Equal(0, signals);
            await committed.CommitAsync(default);
        }

        Assert.Equal(1, signals);
        Assert.Equal(2, await line.CountAsync("SELECT COUNT(*) FROM line_events;"));
    }

    private static MessageRecord Inbound(string id) => new()
    {
        MsgId = id,
        ChatJid = Alice,
        FromMe = false,
        SenderJid = Alice,
        Type = "text",
        Body = "hello " + id,
        Content = [1, 2, 3],
        Timestamp = T0,
        Status = MessageStatus.Received,
    };

    private static MessageRecord Own(string id) => new()
    {
        MsgId = id,
        ChatJid = Alice,
        FromMe = true,
        Type = "text",
        Body = "from me " + id,
        Content = [4, 5],
        Timestamp = T0,
        Status = MessageStatus.Queued,
    };
}
