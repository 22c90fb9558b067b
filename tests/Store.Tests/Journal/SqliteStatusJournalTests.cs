using WaEngine.Engine.Session;
using WaEngine.Store.Journal;
using WaEngine.Store.Tests.Messages;

namespace WaEngine.Store.Tests.Journal;

public sealed class SqliteStatusJournalTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task Each_change_is_one_committed_session_status_row_in_order_with_its_reason_and_time()
    {
        await using var line = await MessageStoreLine.OpenAsync();
        var journal = new SqliteStatusJournal(line.Database);

        await journal.AppendAsync(new LineStatusChange(LineStatus.Stopped, LineStatus.Starting, "start", T0), default);
        await journal.AppendAsync(new LineStatusChange(LineStatus.Connected, LineStatus.Reconnecting, "stream_error_515", T0.AddSeconds(2)), default);

        var rows = await line.JournalAsync();
        Assert.Equal(
            [new JournalRow("session.status", null, null, null, "starting", "start", T0.ToUnixTimeMilliseconds()),
             new JournalRow("session.status", null, null, null, "reconnecting", "stream_error_515", T0.AddSeconds(2).ToUnixTimeMilliseconds())],
            rows);
    }
}
