using System.Globalization;

/// <summary>
/// One process's CPU time (utime + stime of <c>/proc/PID/stat</c>), resident memory (VmRSS of <c>/proc/PID/status</c>)
/// and its peak so far (VmHWM) at one moment, read from outside the process: the same figures for the service, the sandbox and node.
/// </summary>
internal sealed record ProcSample(int Pid, TimeSpan Cpu, long RssKiB, long HwmKiB = 0)
{
    /// <summary>Clock ticks per second of the stat file's times (<c>getconf CLK_TCK</c>; 100 on Linux).</summary>
    public static long TicksPerSecond { get; set; } = 100;

    public static ProcSample Take(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name in parentheses may hold spaces: fields are counted after its closing parenthesis.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var status = File.ReadAllLines($"/proc/{pid}/status");
        long Field(string name) => status
            .Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => long.Parse(l[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .Single();
        return new ProcSample(pid, TimeSpan.FromSeconds(ticks / (double)TicksPerSecond), Field("VmRSS:"), Field("VmHWM:"));
    }
}
