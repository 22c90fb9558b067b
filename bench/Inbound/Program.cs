using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// Inbound latency through the service, the way users receive messages: starts each given build of src/Api in a process
// of its own against a standalone sandbox, pairs LINES lines with a webhook each (messages.received) to a receiver
// here, gives each line a virtual phone that writes to it, warms up (sessions, JIT), then for each rate has the sandbox
// send texts from those phones at that rate for SECONDS (POST /sandbox/load, spread over the lines). Each message is
// timed from the moment the server routed it to the line (the sandbox notes it) to the moment its webhook delivery
// reached the receiver; both clocks are this machine's. Read from /proc: the service's CPU time over each rate's run
// (until the last delivery) and VmRSS / VmHWM. The load call waits for the sandbox to encrypt every text first (a
// minute or more for 60,000 on a busy machine): its HTTP timeout is the run plus 30 minutes.
//   dotnet Inbound.dll --sandbox http://127.0.0.1:PORT --service NAME=PATH/WaEngine.Api.dll [--service …]
//                      [--lines 10] [--rates 100,500,1000] [--seconds 60] [--data DIR] [--clk-tck 100]
// Prints one JSON object on stdout.
var settings = InboundSettings.Parse(args);
using var bench = await ServiceBench.OpenAsync(settings.Common, "inbound", TimeSpan.FromSeconds(settings.Seconds + 1800));
var (sandbox, wsUrl, rootKey, data) = (bench.Sandbox, bench.WsUrl, bench.RootKey, bench.Data);
await bench.MeasureEachAsync(new JsonObject { ["lines"] = settings.Lines, ["seconds"] = settings.Seconds }, MeasureAsync);

async Task<JsonNode> MeasureAsync(string name, string assembly, int index)
{
    void Say(string text) => Console.Error.WriteLine($"inbound [{name}]: {text}");
    await using var sink = new LatencySink();
    await using var service = await ServiceUnderTest.StartAsync(name, assembly, Path.Combine(data, name), wsUrl, rootKey);
    var pairs = new JsonArray();
    for (var i = 0; i < settings.Lines; i++)
    {
        var linePhone = string.Create(CultureInfo.InvariantCulture, $"155582{index:00}{i:0000}");
        var phone = string.Create(CultureInfo.InvariantCulture, $"155583{index:00}{i:0000}");
        (await sandbox.PostAsJsonAsync("/sandbox/accounts", new { phone })).EnsureSuccessStatusCode();
        await service.PairLineAsync(sandbox, linePhone, sink.Url, ["messages.received"]);
        pairs.Add(new JsonObject { ["from"] = phone, ["to"] = linePhone });
    }

    Say($"{settings.Lines} lines paired; warming up at 50 messages per second for 4 s");
    await RunAsync(pairs, 50, 4, service.Pid, sink);
    var rates = new JsonArray();
    foreach (var rate in settings.Rates)
    {
        var run = await RunAsync(pairs, rate, settings.Seconds, service.Pid, sink);
        Say(run.ToJsonString());
        rates.Add(run);
    }

    var end = ProcSample.Take(service.Pid);
    return new JsonObject { ["name"] = name, ["rates"] = rates, ["rss_kib"] = end.RssKiB, ["hwm_kib"] = end.HwmKiB };
}

async Task<JsonObject> RunAsync(JsonArray pairs, double rate, double seconds, int pid, LatencySink sink)
{
    var start = ProcSample.Take(pid);
    var answer = await sandbox.PostAsJsonAsync("/sandbox/load", new JsonObject { ["pairs"] = pairs.DeepClone(), ["rate"] = rate, ["seconds"] = seconds });
    var run = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
    if (!answer.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"POST /sandbox/load: {(int)answer.StatusCode} {run.ToJsonString()}");
    }

    var messages = run["messages"]!.AsArray().Select(m => (Id: m!["msg_id"]!.GetValue<string>(), At: m["routed_at_us"]!.GetValue<long>())).ToList();
    // Whatever has not arrived 30 s after the last send is counted lost.
    var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
    while (messages.Any(m => !sink.TryArrival(m.Id, out _)) && DateTime.UtcNow < until)
    {
        await Task.Delay(50);
    }

    var end = ProcSample.Take(pid);
    var latencies = new List<double>(messages.Count);
    foreach (var (id, at) in messages)
    {
        if (sink.TryArrival(id, out var arrived))
        {
            latencies.Add((arrived - at) / 1000.0);
        }
    }

    latencies.Sort();
    double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
    var cpu = (end.Cpu - start.Cpu).TotalSeconds;
    return new JsonObject
    {
        ["rate"] = rate,
        ["seconds"] = seconds,
        ["sent"] = messages.Count,
        ["arrived"] = latencies.Count,
        ["sandbox_latest_start_ms"] = run["latest_start_ms"]!.GetValue<double>(),
        ["sandbox_latest_routed_ms"] = run["latest_routed_ms"]?.GetValue<double>(),
        ["sandbox_prepare_ms"] = run["prepare_ms"]?.GetValue<double>(),
        ["sandbox_cpu_ms_per_message"] = run["cpu_ms"] is { } sandboxCpu ? Math.Round(sandboxCpu.GetValue<double>() / Math.Max(1, messages.Count), 3) : null,
        ["p50_ms"] = Math.Round(Percentile(0.50), 2),
        ["p99_ms"] = Math.Round(Percentile(0.99), 2),
        ["max_ms"] = Math.Round(latencies.Count == 0 ? double.NaN : latencies[^1], 2),
        ["cpu_seconds"] = Math.Round(cpu, 2),
        ["cpu_ms_per_message"] = Math.Round(cpu * 1000 / Math.Max(1, latencies.Count), 3),
        ["rss_kib"] = end.RssKiB,
    };
}

/// <summary>The driver's arguments.</summary>
internal sealed record InboundSettings(ServiceBenchArgs Common, int Lines, IReadOnlyList<double> Rates, double Seconds)
{
    public static InboundSettings Parse(string[] args)
    {
        var lines = 10;
        IReadOnlyList<double> rates = [100, 500, 1000];
        double seconds = 60;
        var common = ServiceBenchArgs.Parse(args, (flag, value) =>
        {
            switch (flag)
            {
                case "--lines": lines = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--rates": rates = [.. value.Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture))]; break;
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                default: return false;
            }

            return true;
        });
        if (!common.IsComplete || lines is < 1 or > 9999 || rates.Count == 0 || rates.Any(r => r <= 0) || seconds <= 0)
        {
            throw new ArgumentException("Usage: Inbound --sandbox URL --service NAME=PATH [--service …] [--lines 1..9999] [--rates R,R,…] [--seconds S>0] [--data DIR] [--clk-tck N]");
        }

        return new InboundSettings(common, lines, rates, seconds);
    }
}
