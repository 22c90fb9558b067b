using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>
/// The line journals its own status changes (<c>session.status</c> rows of <c>line_events</c>) in its own database on
/// its loop, before it publishes them: whoever hears of a change can rely on the row being committed, so a process
/// killed right after a transition has lost none of them (nothing outside the actor writes them).
/// </summary>
public sealed class StatusJournalTests
{
    [Fact]
    public async Task Every_status_change_is_committed_in_the_lines_own_database_before_it_is_published()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "journal", TestLine.Options(url, root));
        using var events = line.Actor.Subscribe(1024);
        var seen = new List<(string Status, string Reason, IReadOnlyList<(string, string)> Journal)>();

        await sandbox.CreateAccountAsync("15550008888");
        await line.Actor.StartAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var scanned = false;
        while (line.Actor.Status != LineStatus.Connected || seen.Count == 0 || seen[^1].Status != "connected")
        {
            switch (await events.Reader.ReadAsync(timeout.Token))
            {
                case QrCodeIssued qr when !scanned:
                    scanned = true;
                    await sandbox.ScanAsync("15550008888", qr.Qr);
                    break;
                case StatusChanged changed:
                    // Read at once, from another connection: the row must already be there.
                    seen.Add((changed.Change.To.ToName(), changed.Change.Reason, await JournalAsync(line.DatabasePath)));
                    break;
            }
        }

        await line.Actor.StopAsync(CancellationToken.None);
        var stopped = await events.Reader.ReadAsync(timeout.Token);
        while (stopped is not StatusChanged)
        {
            stopped = await events.Reader.ReadAsync(timeout.Token);
        }

        seen.Add(("stopped", "stop", await JournalAsync(line.DatabasePath)));
        Assert.Equal(["starting", "scan_qr"], seen.Take(2).Select(s => s.Status));
        // When a change is published its row, and every earlier one, is already in the journal (the line may have moved
        // on and journalled the next change before the read).
        for (var i = 0; i < seen.Count; i++)
        {
            Assert.Equal(seen.Take(i + 1).Select(s => (s.Status, s.Reason)), seen[i].Journal.Take(i + 1));
        }

        Assert.Equal(seen.Select(s => (s.Status, s.Reason)), seen[^1].Journal);
    }

    private static async Task<IReadOnlyList<(string, string)>> JournalAsync(string path)
    {
        await using var reader = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await reader.OpenAsync();
        var rows = await reader.QueryAsync<(string, string)>("SELECT status, detail FROM line_events WHERE event = 'session.status' ORDER BY seq;");
        return rows.AsList();
    }
}
