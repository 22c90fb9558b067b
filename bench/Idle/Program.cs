using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;

// Idle cost of connected lines, in a process that holds nothing but the engine: pairs N lines against a standalone
// sandbox (another process), lets them settle, then measures this process's CPU time and memory over some minutes of
// doing nothing but staying connected (keepalives). A baseline of the same process with no line is measured first.
//   dotnet Idle.dll --sandbox http://127.0.0.1:PORT [--lines 100] [--minutes 3] [--settle 90] [--data DIR] [--keepalive SECONDS]
// Prints one JSON object on stdout; progress goes to stderr.
var settings = Settings.Parse(args);
var data = settings.Data ?? Path.Combine(Path.GetTempPath(), "waengine-idle-" + Environment.ProcessId);
Directory.CreateDirectory(data);
using var http = new HttpClient { BaseAddress = settings.Sandbox, Timeout = TimeSpan.FromSeconds(30) };
var info = (await http.GetFromJsonAsync<JsonNode>("/sandbox/info"))!;
var options = new LineOptions
{
    ServerUrl = new Uri(info["ws_url"]!.GetValue<string>()),
    TrustedRootKey = Convert.FromBase64String(info["root_public_key"]!.GetValue<string>()),
};
if (settings.KeepAlive is { } keepAlive)
{
    options = options with { KeepAliveInterval = keepAlive };
}


// The process with the runtime up and nothing to do: what the lines are measured against.
var baselineWindow = TimeSpan.FromSeconds(30);
Console.Error.WriteLine($"idle: baseline without lines for {2 * baselineWindow.TotalSeconds:0} s");
await using var supervisor = new LineSupervisor(options, async (id, ct) =>
{
    var database = await LineDatabase.OpenAsync(Path.Combine(data, id + ".db"), ct).ConfigureAwait(false);
    return new LineStores(new SqliteCredentialStore(database), new SqliteSignalStore(database), new SqliteMessageStore(database), database);
}, NullLoggerFactory.Instance);
await Task.Delay(baselineWindow);
var baseline = Sample.Take();
await Task.Delay(baselineWindow);
var baselineEnd = Sample.Take();

Console.Error.WriteLine($"idle: pairing {settings.Lines} lines");
var pairing = Stopwatch.StartNew();
using var gate = new SemaphoreSlim(8);
var actors = await Task.WhenAll(Enumerable.Range(0, settings.Lines).Select(async i =>
{
    await gate.WaitAsync();
    try
    {
        var actor = await supervisor.GetOrCreateAsync(new LineId(i + 1), CancellationToken.None);
        await PairAsync(http, actor, $"1555300{i:0000}");
        return actor;
    }
    finally
    {
        gate.Release();
    }
}));
var pairSeconds = pairing.Elapsed.TotalSeconds;
Console.Error.WriteLine($"idle: {settings.Lines} lines connected in {pairSeconds:0.0} s; settling {settings.Settle.TotalSeconds:0} s");

await Task.Delay(settings.Settle);
var start = Sample.Take();
Console.Error.WriteLine($"idle: measuring {settings.Minutes:0.#} min");
var byMinute = new JsonArray();
var minuteStart = start.Cpu;
for (var elapsed = 0.0; elapsed < settings.Minutes; elapsed += 1)
{
    var step = Math.Min(1, settings.Minutes - elapsed);
    await Task.Delay(TimeSpan.FromMinutes(step));
    using var process = Process.GetCurrentProcess();
    var now = process.TotalProcessorTime;
    byMinute.Add(Round((now - minuteStart).TotalMilliseconds / step));
    minuteStart = now;
}

var end = Sample.Take();
var connected = actors.Count(a => a.Status == LineStatus.Connected);
var reconnects = actors.Sum(a => a.Health.ReconnectCount);

var baselineCpuPerMinute = (baselineEnd.Cpu - baseline.Cpu).TotalMilliseconds / baselineWindow.TotalMinutes;
var cpuPerMinute = (end.Cpu - start.Cpu).TotalMilliseconds / settings.Minutes;
var result = new JsonObject
{
    ["lines"] = settings.Lines,
    ["connected_at_end"] = connected,
    ["reconnects"] = reconnects,
    ["minutes"] = settings.Minutes,
    ["keepalive_seconds"] = options.KeepAliveInterval.TotalSeconds,
    ["baseline_cpu_ms_per_min"] = Round(baselineCpuPerMinute),
    ["cpu_ms_per_min"] = Round(cpuPerMinute),
    ["cpu_ms_by_minute"] = byMinute,
    ["cpu_ms_per_line_per_min"] = Round(cpuPerMinute / settings.Lines),
    ["heap_kib_per_line"] = Round((end.Heap - baselineEnd.Heap) / 1024.0 / settings.Lines),
    ["working_set_kib_per_line"] = Round((end.WorkingSet - baselineEnd.WorkingSet) / 1024.0 / settings.Lines),
    ["gen0_collections"] = end.Gen0 - start.Gen0,
    ["work_items_per_line_per_min"] = Round((end.WorkItems - start.WorkItems - (baselineEnd.WorkItems - baseline.WorkItems) * settings.Minutes / baselineWindow.TotalMinutes) / settings.Lines / settings.Minutes),
    ["timers_per_line"] = Round((end.Timers - baselineEnd.Timers) / (double)settings.Lines),
    ["pair_seconds"] = Round(pairSeconds),
};
Console.WriteLine(result.ToJsonString());
foreach (var actor in actors)
{
    await actor.StopAsync(CancellationToken.None);
}

if (settings.Data is null)
{
    Directory.Delete(data, recursive: true);
}

return connected == settings.Lines ? 0 : 1;

static double Round(double value) => Math.Round(value, 3);

static async Task PairAsync(HttpClient sandbox, LineActor actor, string phone)
{
    var created = await sandbox.PostAsJsonAsync("/sandbox/accounts", new { phone });
    if (!created.IsSuccessStatusCode && (int)created.StatusCode != 409)
    {
        throw new InvalidOperationException($"creating {phone}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }

    using var events = actor.Subscribe();
    await actor.StartAsync(CancellationToken.None);
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    while (actor.Status != LineStatus.Connected)
    {
        if (await events.Reader.ReadAsync(timeout.Token) is QrCodeIssued qr)
        {
            var scan = await sandbox.PostAsJsonAsync($"/sandbox/accounts/{phone}/scan", new { qr = qr.Qr }, timeout.Token);
            if (!scan.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"scan for {phone}: {(int)scan.StatusCode} {await scan.Content.ReadAsStringAsync()}");
            }
        }
    }
}

/// <summary>This process's CPU time and memory at one moment (after a full collection).</summary>
internal sealed record Sample(TimeSpan Cpu, long Heap, long WorkingSet, int Gen0, long WorkItems, long Timers)
{
    public static Sample Take()
    {
        var gen0 = GC.CollectionCount(0);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return new Sample(process.TotalProcessorTime, heap, process.WorkingSet64, gen0, ThreadPool.CompletedWorkItemCount, Timer.ActiveCount);
    }
}

internal sealed record Settings(Uri Sandbox, int Lines, double Minutes, TimeSpan Settle, string? Data, TimeSpan? KeepAlive)
{
    public static Settings Parse(string[] args)
    {
        Uri? sandbox = null;
        int lines = 100;
        double minutes = 3;
        var settle = TimeSpan.FromSeconds(90);
        string? data = null;
        TimeSpan? keepAlive = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--sandbox": sandbox = new Uri(value); break;
                case "--lines": lines = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--minutes": minutes = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--settle": settle = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--data": data = value; break;
                case "--keepalive": keepAlive = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }

            i++;
        }

        if (sandbox is null || lines < 1 || minutes <= 0)
        {
            throw new ArgumentException("Usage: Idle --sandbox URL [--lines N>0] [--minutes M>0] [--settle SECONDS] [--data DIR] [--keepalive SECONDS]");
        }

        return new Settings(sandbox, lines, minutes, settle, data, keepAlive);
    }
}
