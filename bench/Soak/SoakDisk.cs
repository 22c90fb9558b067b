using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

/// <summary>
/// The disk-full fault: the service's data folder lives on a small tmpfs of its own (when the soak may mount one, as
/// root can), which a ballast file fills to the last byte for a while and then frees. And the end's check that no line
/// database was damaged by it, by the SIGKILLs or by anything else.
/// </summary>
internal sealed partial class SoakRun
{
    /// <summary>The data folder's tmpfs: room for 50 lines' databases and logs of a 30-minute soak many times over.</summary>
    private const string DiskSize = "1g";

    private static readonly TimeSpan DiskFullFor = TimeSpan.FromSeconds(15);

    /// <summary>Group sends started right before each disk-full spell.</summary>
    private const int GroupSendsBeforeFull = 4;

    private bool _diskMounted;

    private string DataFolder => Path.Combine(_settings.Work, "service");

    private string Ballast => Path.Combine(DataFolder, "ballast.fill");

    /// <summary>Mounts a tmpfs on the data folder; false (and the disk-full fault is left out) when not permitted.</summary>
    private bool MountDataDisk()
    {
        Directory.CreateDirectory(DataFolder);
        _diskMounted = Run("mount", "-t", "tmpfs", "-o", $"size={DiskSize},mode=0700", "tmpfs", DataFolder);
        Say(_diskMounted ? $"data folder on a {DiskSize} tmpfs (the disk-full fault is on)" : "no tmpfs could be mounted (not root?): the disk-full fault is left out");
        return _diskMounted;
    }

    private void UnmountDataDisk()
    {
        if (_diskMounted)
        {
            Run("umount", "-l", DataFolder);
            _diskMounted = false;
        }
    }

    /// <summary>Fills the data folder's disk to the last byte; the bytes the ballast took.</summary>
    private long FillDisk()
    {
        long written = 0;
        using var file = new FileStream(Ballast, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        foreach (var size in new[] { 1 << 20, 4096, 1 })
        {
            var chunk = new byte[size];
            try
            {
                while (true)
                {
                    file.Write(chunk);
                    file.Flush();
                    written += size;
                }
            }
            catch (IOException)
            {
                // Full at this chunk size: go on with a smaller one.
            }
        }

        return written;
    }

    private async Task DiskFullAsync()
    {
        var fault = new InjectedFault("disk_full", null, DateTimeOffset.UtcNow);

        // Group sends accepted just before the disk fills: their send pass (sender keys, fan-out, statuses) meets the
        // full disk halfway; each must still reach every phone in its group, or fail with a reason.
        for (var i = 0; i < GroupSendsBeforeFull && _lineGroups.Count > 0; i++)
        {
            _watchers.Add(SendOneAsync("group"));
        }

        var filled = FillDisk();
        _diskFull = true;
        Say($"data folder's disk full ({filled / (1 << 20)} MiB of ballast) for {DiskFullFor.TotalSeconds:0} s");
        await Task.Delay(DiskFullFor);
        File.Delete(Ballast);
        _diskFull = false;
        fault.Recovery = null;
        _faults.Add(fault);
        Say("data folder's disk has room again");
        _watchers.Add(AllConnectedAsync(fault));
    }

    /// <summary>After the service stopped: <c>PRAGMA integrity_check</c> of every line's database; the ones not "ok".</summary>
    private List<string> CheckDatabases()
    {
        var damaged = new List<string>();
        var folder = Path.Combine(DataFolder, "lines");
        if (!Directory.Exists(folder))
        {
            return ["no line databases found"];
        }

        foreach (var path in Directory.GetFiles(folder, "*.db"))
        {
            try
            {
                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA integrity_check;";
                var answer = Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (answer != "ok")
                {
                    damaged.Add($"{Path.GetFileName(path)}: {answer}");
                }
            }
            catch (SqliteException ex)
            {
                damaged.Add($"{Path.GetFileName(path)}: {ex.Message}");
            }
        }

        DatabasesChecked = Directory.GetFiles(folder, "*.db").Length;
        return damaged;
    }

    private int DatabasesChecked { get; set; }

    private static bool Run(string command, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit(30_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
