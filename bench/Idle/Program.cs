using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// Idle cost of connected lines in the service as users run it: starts each given build of src/Api in a process of its
// own (every hosted service on: webhook dispatcher included), pointed at a standalone sandbox (another process); creates
// and pairs N lines in each through the REST API and the sandbox's control API, each line with a webhook to a receiver
// here; lets them settle; then reads each service's CPU time (utime + stime) and resident memory (VmRSS) from /proc over
// some minutes of the lines doing nothing but staying connected, and its open file descriptors (/proc/PID/fd). A no-line
// baseline of each process is read first.
// Several builds (e.g. before=… after=…) run side by side, with the same sandbox, in the same minutes.
//   dotnet Idle.dll --sandbox http://127.0.0.1:PORT --service NAME=PATH/WaEngine.Api.dll [--service …]
//                   [--lines 200] [--minutes 3] [--settle 90] [--data DIR] [--clk-tck 100]
//                   [--restore-rate LOGINS_PER_SECOND|auto] [--sandbox-pid PID] [--pair-concurrency 4]
// With --restore-rate (one service only), the idle measurement is followed by the restore storm (RestoreStorm.cs): the
// service restarts and restores its lines at that rate; with --sandbox-pid, the sandbox then restarts under them.
// Prints one JSON object on stdout; progress goes to stderr.
var settings = Settings.Parse(args);
ProcSample.TicksPerSecond = settings.ClockTicks;
var data = settings.Data ?? Path.Combine(Path.GetTempPath(), "waengine-idle-" + Environment.ProcessId);
using var sandbox = new HttpClient { BaseAddress = settings.Sandbox, Timeout = TimeSpan.FromSeconds(60) };
var info = (await sandbox.GetFromJsonAsync<JsonNode>("/sandbox/info"))!;
var wsUrl = new Uri(info["ws_url"]!.GetValue<string>());
var rootKey = info["root_public_key"]!.GetValue<string>();
await using var sink = new WebhookSink();

var results = await Task.WhenAll(settings.Services.Select((service, index) => MeasureAsync(service.Name, service.Assembly, index)));
var output = new JsonObject
{
    ["lines"] = settings.Lines,
    ["minutes"] = settings.Minutes,
    ["settle_seconds"] = settings.Settle.TotalSeconds,
    ["webhook_posts"] = sink.Received,
    ["services"] = new JsonArray([.. results]),
};
Console.WriteLine(output.ToJsonString());
if (settings.Data is null)
{
    Directory.Delete(data, recursive: true);
}

return results.All(r => r["connected_at_end"]!.GetValue<int>() == settings.Lines) ? 0 : 1;

async Task<JsonNode> MeasureAsync(string name, string assembly, int index)
{
    void Say(string text) => Console.Error.WriteLine($"idle [{name}]: {text}");
    await using var service = await ServiceUnderTest.StartAsync(name, assembly, Path.Combine(data, name), wsUrl, rootKey);
    var baselineWindow = TimeSpan.FromSeconds(30);
    Say($"started (pid {service.Pid}); baseline without lines for {2 * baselineWindow.TotalSeconds:0} s");
    await Task.Delay(baselineWindow);
    var baseline = ProcSample.Take(service.Pid);
    await Task.Delay(baselineWindow);
    var baselineEnd = ProcSample.Take(service.Pid);
    var baselineFds = Descriptors(service.Pid);

    Say($"pairing {settings.Lines} lines");
    var pairing = Stopwatch.StartNew();
    var pairedByHundred = new JsonArray();
    var paired = 0;
    var pairRetries = 0;
    using var gate = new SemaphoreSlim(settings.PairConcurrency);
    await Task.WhenAll(Enumerable.Range(0, settings.Lines).Select(async i =>
    {
        await gate.WaitAsync();
        try
        {
            var phone = string.Create(CultureInfo.InvariantCulture, $"1555{5 + index}0{i:00000}");
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await service.PairLineAsync(sandbox, phone, sink.Url);
                    break;
                }
                catch (Exception ex) when (attempt < 3 && ex is InvalidOperationException or TimeoutException or HttpRequestException or TaskCanceledException)
                {
                    // Counted and reported: on a loaded machine a pairing can time out on either side.
                    Interlocked.Increment(ref pairRetries);
                    Say($"pairing {phone} failed ({ex.Message}); pairing it again (attempt {attempt + 1} of 3)");
                }
            }

            if (Interlocked.Increment(ref paired) % 100 == 0)
            {
                lock (pairedByHundred)
                {
                    pairedByHundred.Add(Round(pairing.Elapsed.TotalSeconds));
                }

                Say($"{paired} paired after {pairing.Elapsed.TotalSeconds:0} s");
            }
        }
        finally
        {
            gate.Release();
        }
    }));
    var pairSeconds = pairing.Elapsed.TotalSeconds;
    Say($"{settings.Lines} lines connected in {pairSeconds:0.0} s; settling {settings.Settle.TotalSeconds:0} s");
    await Task.Delay(settings.Settle);

    var start = ProcSample.Take(service.Pid);
    Say($"measuring {settings.Minutes:0.#} min");
    var byMinute = new JsonArray();
    var minuteStart = start;
    for (var elapsed = 0.0; elapsed < settings.Minutes; elapsed += 1)
    {
        var step = Math.Min(1, settings.Minutes - elapsed);
        await Task.Delay(TimeSpan.FromMinutes(step));
        var now = ProcSample.Take(service.Pid);
        byMinute.Add(Round((now.Cpu - minuteStart.Cpu).TotalMilliseconds / step));
        minuteStart = now;
    }

    var end = ProcSample.Take(service.Pid);
    var fds = Descriptors(service.Pid);
    var connected = await service.ConnectedAsync();
    var baselinePerMinute = (baselineEnd.Cpu - baseline.Cpu).TotalMilliseconds / baselineWindow.TotalMinutes;
    var perMinute = (end.Cpu - start.Cpu).TotalMilliseconds / settings.Minutes;
    Say($"{perMinute / settings.Lines:0.00} ms CPU per line per minute; {connected} of {settings.Lines} connected");
    JsonObject? serviceRestart = null;
    JsonObject? sandboxRestart = null;
    string? restoreError = null;
    if (settings.Restore)
    {
        try
        {
            serviceRestart = await RestoreStorm.ServiceRestartAsync(service, sandbox, settings.Lines, settings.RestoreRate, Say);
            if (settings.SandboxPid > 0 && !service.Exited)
            {
                sandboxRestart = await RestoreStorm.SandboxRestartAsync(service, sandbox, settings.SandboxPid, Path.Combine(data, "sandbox.pid"), settings.Lines, Say);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or TimeoutException or IOException)
        {
            // The idle figures are kept; what broke the storm is reported with them.
            restoreError = ex.Message;
            Say($"the restore storm broke off: {ex.Message}");
        }
    }

    return new JsonObject
    {
        ["name"] = name,
        ["lines"] = settings.Lines,
        ["connected_at_end"] = connected,
        ["minutes"] = settings.Minutes,
        ["baseline_cpu_ms_per_min"] = Round(baselinePerMinute),
        ["baseline_rss_kib"] = baselineEnd.RssKiB,
        ["cpu_ms_per_min"] = Round(perMinute),
        ["cpu_ms_by_minute"] = byMinute,
        ["cpu_ms_per_line_per_min"] = Round(perMinute / settings.Lines),
        ["cpu_ms_per_line_per_min_above_baseline"] = Round((perMinute - baselinePerMinute) / settings.Lines),
        ["rss_kib"] = end.RssKiB,
        ["rss_kib_per_line"] = Round((end.RssKiB - baselineEnd.RssKiB) / (double)settings.Lines),
        ["pair_seconds"] = Round(pairSeconds),
        ["pair_retries"] = pairRetries,
        ["paired_by_hundred_seconds"] = pairedByHundred,
        ["hwm_kib"] = end.HwmKiB,
        ["baseline_fds"] = baselineFds,
        ["fds"] = fds,
        ["fds_per_line"] = Round((fds - baselineFds) / (double)settings.Lines),
        ["service_restart"] = serviceRestart,
        ["sandbox_restart"] = sandboxRestart,
        ["restore_error"] = restoreError,
    };
}

// Open file descriptors of a process (sockets, SQLite files, pipes): the entries of /proc/PID/fd.
static int Descriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

static double Round(double value) => Math.Round(value, 3);

/// <summary>The driver's arguments.</summary>
internal sealed record Settings(Uri Sandbox, IReadOnlyList<(string Name, string Assembly)> Services, int Lines, double Minutes, TimeSpan Settle, string? Data, long ClockTicks, double? RestoreRate, bool Restore, int SandboxPid, int PairConcurrency)
{
    public static Settings Parse(string[] args)
    {
        Uri? sandbox = null;
        var services = new List<(string, string)>();
        var lines = 200;
        double minutes = 3;
        var settle = TimeSpan.FromSeconds(90);
        string? data = null;
        long clockTicks = 100;
        double? restoreRate = null;
        var restore = false;
        var sandboxPid = 0;
        var pairConcurrency = 4;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--sandbox": sandbox = new Uri(value); break;
                case "--service":
                    var parts = value.Split('=', 2);
                    services.Add(parts.Length == 2 && File.Exists(parts[1]) ? (parts[0], parts[1]) : throw new ArgumentException($"--service takes NAME=PATH to WaEngine.Api.dll; '{value}' is not one."));
                    break;
                case "--lines": lines = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--minutes": minutes = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--settle": settle = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--data": data = value; break;
                case "--clk-tck": clockTicks = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--restore-rate":
                    // "auto": the service's own default (Api__RestoreLoginsPerSecond unset: the automatic rate).
                    restore = true;
                    restoreRate = value == "auto" ? null : double.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--pair-concurrency": pairConcurrency = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--sandbox-pid": sandboxPid = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }

            i++;
        }

        if (sandbox is null || services.Count == 0 || lines < 1 || minutes <= 0 || clockTicks < 1 || restoreRate <= 0 || pairConcurrency < 1 || (restore && services.Count != 1))
        {
            throw new ArgumentException("Usage: Idle --sandbox URL --service NAME=PATH [--service …] [--lines N>0] [--minutes M>0] [--settle SECONDS] [--data DIR] [--clk-tck N] [--restore-rate R>0|auto (one service only)] [--sandbox-pid PID] [--pair-concurrency N]");
        }

        return new Settings(sandbox, services, lines, minutes, settle, data, clockTicks, restoreRate, restore, sandboxPid, pairConcurrency);
    }
}
