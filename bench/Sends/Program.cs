using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// Sends on established sessions through the REST API, the way users call it: starts each given build of src/Api in a
// process of its own against a standalone sandbox, pairs one line (no webhook: webhook delivery is measured on its own),
// has it send a few texts to a virtual phone (sessions established), then posts 1:1 texts to that phone from several
// concurrent callers for some seconds. Counted: the texts the virtual phone received and decrypted (the sandbox's
// control API, polled; the server acks each as it routes it); the service's CPU time (utime + stime from /proc) from
// the first post to the last text's arrival.
//   dotnet Sends.dll --sandbox http://127.0.0.1:PORT --service NAME=PATH/WaEngine.Api.dll [--service …]
//                    [--seconds 30] [--callers 32] [--warmup 10] [--data DIR] [--clk-tck 100]
// Builds are measured one after the other (each alone on the machine). Prints one JSON object on stdout.
var settings = SendSettings.Parse(args);
using var bench = await ServiceBench.OpenAsync(settings.Common, "sends", TimeSpan.FromSeconds(60));
var (sandbox, wsUrl, rootKey, data) = (bench.Sandbox, bench.WsUrl, bench.RootKey, bench.Data);
await bench.MeasureEachAsync(new JsonObject { ["seconds"] = settings.Seconds, ["callers"] = settings.Callers }, MeasureAsync);

async Task<JsonNode> MeasureAsync(string name, string assembly, int index)
{
    void Say(string text) => Console.Error.WriteLine($"sends [{name}]: {text}");
    await using var service = await ServiceUnderTest.StartAsync(name, assembly, Path.Combine(data, name), wsUrl, rootKey, new Dictionary<string, string>
    {
        // The per-token send limit (20/s by default) would be the figure otherwise.
        ["Api__RateLimit__SendsPerSecond"] = "100000",
        ["Api__RateLimit__SendBurst"] = "100000",
    });
    var linePhone = string.Create(CultureInfo.InvariantCulture, $"155560{index:00}0001");
    var peerPhone = string.Create(CultureInfo.InvariantCulture, $"155570{index:00}0001");
    (await sandbox.PostAsJsonAsync("/sandbox/accounts", new { phone = peerPhone })).EnsureSuccessStatusCode();
    var token = await service.PairLineAsync(sandbox, linePhone, webhook: null);
    var peer = new PeerInbox(sandbox, peerPhone);
    using var api = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
    api.DefaultRequestHeaders.Add("X-API-Token", token);

    async Task<string> SendAsync(int n)
    {
        var answer = await api.PostAsJsonAsync("/api/messages/send", new { to = peerPhone, text = string.Create(CultureInfo.InvariantCulture, $"bench text {n}: the quick brown fox jumps over the lazy dog") });
        answer.EnsureSuccessStatusCode();
        return (await answer.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }

    Say("warming up (sessions, JIT): 50 texts");
    var warm = await Task.WhenAll(Enumerable.Range(0, 50).Select(SendAsync));
    await peer.WaitForAsync(warm, TimeSpan.FromMinutes(2));
    var counter = 50;
    async Task<string[]> BurstAsync(double seconds)
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var began = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, settings.Callers).Select(async _ =>
        {
            while (began.Elapsed.TotalSeconds < seconds)
            {
                ids.Add(await SendAsync(Interlocked.Increment(ref counter)));
            }
        }));
        return [.. ids];
    }

    // Measured steady, as a long-running service runs: the callers send at full speed for a while first (the JIT tiers
    // the hot paths up under load; baileys-sends.mjs warms V8 the same way).
    if (settings.Warmup > 0)
    {
        Say($"warming up under load: {settings.Warmup} s from {settings.Callers} callers");
        await peer.WaitForAsync(await BurstAsync(settings.Warmup), TimeSpan.FromMinutes(5));
    }

    Say($"sending for {settings.Seconds} s from {settings.Callers} callers");
    var start = ProcSample.Take(service.Pid);
    var clock = Stopwatch.StartNew();
    var sent = await BurstAsync(settings.Seconds);
    var accepted = clock.Elapsed.TotalSeconds;
    var acked = await peer.WaitForAsync(sent, TimeSpan.FromMinutes(5));
    var elapsed = clock.Elapsed.TotalSeconds;
    var end = ProcSample.Take(service.Pid);
    var cpu = (end.Cpu - start.Cpu).TotalSeconds;
    Say($"{sent.Length} accepted in {accepted:0.0} s, {acked} acked after {elapsed:0.0} s; {cpu:0.00} CPU s: {acked / cpu:0.0} per CPU-second, {acked / elapsed:0.0} per second");
    return new JsonObject
    {
        ["name"] = name,
        ["accepted"] = sent.Length,
        ["accept_seconds"] = Round(accepted),
        ["acked"] = acked,
        ["seconds"] = Round(elapsed),
        ["cpu_seconds"] = Round(cpu),
        ["per_second"] = Round(acked / elapsed),
        ["per_cpu_second"] = Round(acked / cpu),
        ["rss_kib"] = end.RssKiB,
    };
}

static double Round(double value) => Math.Round(value, 3);

/// <summary>The driver's arguments.</summary>
internal sealed record SendSettings(ServiceBenchArgs Common, double Seconds, int Callers, double Warmup)
{
    public static SendSettings Parse(string[] args)
    {
        double seconds = 30;
        double warmup = 10;
        var callers = 32;
        var common = ServiceBenchArgs.Parse(args, (flag, value) =>
        {
            switch (flag)
            {
                case "--seconds": seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--callers": callers = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: return false;
            }

            return true;
        });
        if (!common.IsComplete || seconds <= 0 || warmup < 0 || callers < 1)
        {
            throw new ArgumentException("Usage: Sends --sandbox URL --service NAME=PATH [--service …] [--seconds S>0] [--warmup S>=0] [--callers N>0] [--data DIR] [--clk-tck N]");
        }

        return new SendSettings(common, seconds, callers, warmup);
    }
}
