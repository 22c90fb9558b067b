using WaEngine.Engine.Session;
using WaEngine.Store.Journal;
using WaEngine.TestKit;

namespace WaEngine.Store.Tests;

public sealed class LineDatabasesTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    [Fact]
    public async Task Each_line_is_opened_once_and_its_journal_signals_reach_the_listeners_with_its_id()
    {
        using var folder = new TempFolder();
        using var databases = new LineDatabases(Path.Combine(folder.Path, "lines"));
        var heard = new List<LineId>();
        databases.Journalled += heard.Add;

        var opened = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => databases.OpenAsync(new LineId(1), default)));
        Assert.All(opened, d => Assert.Same(opened[0], d));
        Assert.Equal(Path.Combine(folder.Path, "lines", "1.db"), opened[0].Path);
        var other = await databases.OpenAsync(new LineId(10), default);
        Assert.NotSame(opened[0], other);

        await new SqliteStatusJournal(other).AppendAsync(new LineStatusChange(LineStatus.Stopped, LineStatus.Starting, "start", T0), default);
        await new SqliteStatusJournal(opened[0]).AppendAsync(new LineStatusChange(LineStatus.Stopped, LineStatus.Starting, "start", T0), default);
        Assert.Equal([new LineId(10), new LineId(1)], heard);
    }

    [Fact]
    public async Task Deleting_a_line_removes_its_files_and_only_its_own()
    {
        using var folder = new TempFolder();
        using var databases = new LineDatabases(folder.Path);
        var first = await databases.OpenAsync(new LineId(1), default);
        await databases.OpenAsync(new LineId(10), default);
        await new SqliteStatusJournal(first).AppendAsync(new LineStatusChange(LineStatus.Stopped, LineStatus.Starting, "start", T0), default);

        await databases.DeleteAsync(new LineId(1));

        Assert.Equal(["10.db"], Directory.EnumerateFiles(folder.Path, "*.db").Select(Path.GetFileName).Order());
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "1.db*"));
        Assert.NotSame(first, await databases.OpenAsync(new LineId(1), default));
    }
}
