using System.Runtime.InteropServices;

/// <summary>
/// CPU time and peak resident memory of this process's children that have ended and been waited for
/// (<c>getrusage(RUSAGE_CHILDREN)</c>): what the ffmpeg runs cost, since they are not this process's own.
/// </summary>
internal static partial class ChildUsage
{
    private const int Children = -1;

    /// <summary>User plus system CPU time of the ended children, and the largest peak RSS (KiB) any of them reached.</summary>
    public static (TimeSpan Cpu, long PeakKiB) Read()
    {
        if (GetResourceUsage(Children, out var usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        }

        var micros = (usage.UserSeconds + usage.SystemSeconds) * 1_000_000 + usage.UserMicros + usage.SystemMicros;
        return (TimeSpan.FromMicroseconds(micros), usage.MaxRssKiB);
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetResourceUsage(int who, out ResourceUsage usage);

    // struct rusage on 64-bit Linux: two timevals, then fourteen longs (ru_maxrss first).
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds;
        public long UserMicros;
        public long SystemSeconds;
        public long SystemMicros;
        public long MaxRssKiB;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NVcsw;
        public long NIvcsw;
    }
}
