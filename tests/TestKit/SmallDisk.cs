using System.Diagnostics;

namespace WaEngine.TestKit;

/// <summary>
/// A folder on a small tmpfs of its own, for full-disk tests. Mounting needs root, as CI runs: <see cref="TryMount"/>
/// answers null where it is not permitted. Unmounted (lazily, so open files do not hold it) when disposed.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>The mounted folder.</summary>
    public string Path { get; }

    private string Ballast => System.IO.Path.Combine(Path, "ballast");

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB at <paramref name="path"/> (created if missing); null when mounting is not permitted here.</summary>
    public static SmallDisk? TryMount(string path, int megabytes)
    {
        Directory.CreateDirectory(path);
        return Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path) ? new SmallDisk(path) : null;
    }

    /// <summary>Writes a ballast file until the disk refuses more, and returns the refusal (ENOSPC).</summary>
    public IOException Fill()
    {
        using var file = new FileStream(Ballast, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        var chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                file.Write(chunk);
                file.Flush();
            }
        }
        catch (IOException full)
        {
            return full;
        }
    }

    /// <summary>Space returns: the ballast goes.</summary>
    public void Release() => File.Delete(Ballast);

    public void Dispose() => Run("umount", "-l", Path);

    /// <summary>Runs a command; true when it exited 0 (false, not an exception, when it is missing or not permitted).</summary>
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
