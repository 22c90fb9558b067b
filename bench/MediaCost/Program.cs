using System.Diagnostics;
using System.Globalization;
using WaEngine.Api.Media;

// What a send pays for its message's extras, per kind, measured in this process on files bench/media-extras made:
//   MediaCost FOLDER [RUNS]   FOLDER holds photo.jpg, voice.ogg, video.mp4; prints one markdown table row per kind.
// Per run: CPU time of this process (TotalProcessorTime) and of the ffmpeg child (getrusage of waited-for children),
// wall time, and this process's peak resident memory growth (VmHWM reset with clear_refs 5 before the run, minus VmRSS
// then). The figures are medians over RUNS after one warm-up run; ffmpeg's peak RSS is the largest of all its runs.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: MediaCost FOLDER [RUNS]");
    return 2;
}

var folder = args[0];
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var video = new VideoFrameReader("ffmpeg", TimeSpan.FromMinutes(1));
var kinds = new (string Name, string File, Func<string, Task<string>> Run)[]
{
    ("image thumbnail (SkiaSharp)", "photo.jpg", path =>
    {
        var (width, height, jpeg) = ImageThumbnail.Read(path);
        return Task.FromResult(jpeg is null ? "no thumbnail" : $"{width}×{height} → {jpeg.Length} B JPEG");
    }),
    ("voice-note waveform (Concentus)", "voice.ogg", async path =>
    {
        var (waveform, seconds) = await VoiceWaveform.ReadAsync(path, CancellationToken.None);
        return $"{seconds} s → {waveform.Length} values";
    }),
    ("video thumbnail (ffmpeg child)", "video.mp4", async path =>
    {
        var facts = await video.ReadAsync(path, CancellationToken.None);
        return facts.Thumbnail is null ? $"no thumbnail: {facts.Problem}" : $"{facts.Seconds} s {facts.Width}×{facts.Height} → {facts.Thumbnail.Length} B JPEG";
    }),
};

Console.WriteLine("| extra | file | result | CPU ms (service) | CPU ms (ffmpeg) | wall ms | peak RSS growth (service) | peak RSS (ffmpeg) |");
Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|");
foreach (var (name, file, run) in kinds)
{
    var path = Path.Combine(folder, file);
    var result = await run(path);
    var samples = new List<(double Own, double Child, double Wall, long Growth)>();
    for (var i = 0; i < runs; i++)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
        var before = Status("VmRSS");
        var own = Process.GetCurrentProcess().TotalProcessorTime;
        var (child, _) = ChildUsage.Read();
        var clock = Stopwatch.StartNew();
        await run(path);
        var wall = clock.Elapsed;
        var ownAfter = Process.GetCurrentProcess().TotalProcessorTime;
        var (childAfter, _) = ChildUsage.Read();
        samples.Add(((ownAfter - own).TotalMilliseconds, (childAfter - child).TotalMilliseconds, wall.TotalMilliseconds, Status("VmHWM") - before));
    }

    var (_, childPeak) = ChildUsage.Read();
    var size = new FileInfo(path).Length;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {file}, {size / 1024.0 / 1024:0.0} MB | {result} | {Median(samples.Select(s => s.Own)):0} | {Median(samples.Select(s => s.Child)):0} | {Median(samples.Select(s => s.Wall)):0} | {Median(samples.Select(s => (double)s.Growth)) / 1024:0.0} MiB | {(name.Contains("ffmpeg", StringComparison.Ordinal) ? $"{childPeak / 1024.0:0} MiB" : "—")} |"));
}

return 0;

static long Status(string key) =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}
