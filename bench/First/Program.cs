using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

// First messages through the REST API, the way users make them: starts each given build of src/Api in a process of its
// own against a standalone sandbox, pairs one line, warms it up with a few texts to one virtual phone (JIT, and the
// session with the line's own phone), then posts one text to each of PEERS virtual phones it never wrote to (device
// lists, prekey bundles, X3DH for each) from CALLERS concurrent callers. Counted: the texts the virtual phones received
// and decrypted (the sandbox's control API); the service's CPU time (utime + stime from /proc) and memory (VmRSS, VmHWM)
// from the first post to the last arrival; the iqs the line sent meanwhile, by kind (GET /sandbox/accounts/{phone}/iqs).
//   dotnet First.dll --sandbox http://127.0.0.1:PORT --service NAME=PATH/WaEngine.Api.dll [--service …]
//                    [--peers 200] [--callers 32] [--data DIR] [--clk-tck 100]
// Builds are measured one after the other. Prints one JSON object on stdout.
var settings = FirstSettings.Parse(args);
using var bench = await ServiceBench.OpenAsync(settings.Common, "first", TimeSpan.FromSeconds(60));
var (sandbox, wsUrl, rootKey, data) = (bench.Sandbox, bench.WsUrl, bench.RootKey, bench.Data);
await bench.MeasureEachAsync(new JsonObject { ["peers"] = settings.Peers, ["callers"] = settings.Callers }, MeasureAsync);

async Task<JsonNode> MeasureAsync(string name, string assembly, int index)
{
    void Say(string text) => Console.Error.WriteLine($"first [{name}]: {text}");
    await using var service = await ServiceUnderTest.StartAsync(name, assembly, Path.Combine(data, name), wsUrl, rootKey, new Dictionary<string, string>
    {
        // The per-token send limit (20/s by default) would be the figure otherwise.
        ["Api__RateLimit__SendsPerSecond"] = "100000",
        ["Api__RateLimit__SendBurst"] = "100000",
    });
    var linePhone = string.Create(CultureInfo.InvariantCulture, $"155580{index:00}0001");
    var warmPhone = string.Create(CultureInfo.InvariantCulture, $"155581{index:00}0001");
    (await sandbox.PostAsJsonAsync("/sandbox/accounts", new { phone = warmPhone })).EnsureSuccessStatusCode();
    var token = await service.PairLineAsync(sandbox, linePhone, webhook: null);
    using var api = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
    api.DefaultRequestHeaders.Add("X-API-Token", token);

    async Task<string> SendAsync(string to, string text)
    {
        var answer = await api.PostAsJsonAsync("/api/messages/send", new { to, text });
        answer.EnsureSuccessStatusCode();
        return (await answer.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }

    Say("warming up (JIT, the session with the line's own phone): 10 texts to one phone");
    var warm = await Task.WhenAll(Enumerable.Range(0, 10).Select(n => SendAsync(warmPhone, $"warm-up {n}")));
    await new PeerInbox(sandbox, warmPhone).WaitForAsync(warm, TimeSpan.FromMinutes(2));

    var peers = Enumerable.Range(0, settings.Peers).Select(i => string.Create(CultureInfo.InvariantCulture, $"15559{index:00}{i:00000}")).ToList();
    Say($"creating {peers.Count} virtual phones");
    await Parallel.ForEachAsync(peers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (phone, _) =>
        (await sandbox.PostAsJsonAsync("/sandbox/accounts", new { phone })).EnsureSuccessStatusCode());

    var iqsBefore = await IqsAsync(linePhone);
    Say($"one first text to each of {peers.Count} phones from {settings.Callers} callers");
    var sent = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
    var start = ProcSample.Take(service.Pid);
    var clock = Stopwatch.StartNew();
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, settings.Callers).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < peers.Count; i = Interlocked.Increment(ref next))
        {
            sent[peers[i]] = await SendAsync(peers[i], $"first words to {peers[i]}: the quick brown fox jumps over the lazy dog");
        }
    }));
    var accepted = clock.Elapsed.TotalSeconds;
    var arrived = await ArrivalsAsync(sent, TimeSpan.FromMinutes(5));
    var elapsed = clock.Elapsed.TotalSeconds;
    var end = ProcSample.Take(service.Pid);
    var iqs = Delta(iqsBefore, await IqsAsync(linePhone));
    var cpu = (end.Cpu - start.Cpu).TotalSeconds;
    Say($"{sent.Count} accepted in {accepted:0.00} s, {arrived} arrived after {elapsed:0.00} s; {cpu:0.00} CPU s; iqs {iqs.ToJsonString()}");
    return new JsonObject
    {
        ["name"] = name,
        ["accepted"] = sent.Count,
        ["accept_seconds"] = Round(accepted),
        ["arrived"] = arrived,
        ["seconds"] = Round(elapsed),
        ["cpu_seconds"] = Round(cpu),
        ["per_second"] = Round(arrived / elapsed),
        ["per_cpu_second"] = Round(arrived / cpu),
        ["rss_kib"] = end.RssKiB,
        ["hwm_kib"] = end.HwmKiB,
        ["iqs"] = iqs,
    };
}

// Each phone gets one text: poll the phones still waiting, eight at a time, until none is left.
async Task<int> ArrivalsAsync(ConcurrentDictionary<string, string> sent, TimeSpan limit)
{
    var waiting = new ConcurrentDictionary<string, string>(sent, StringComparer.Ordinal);
    var until = DateTime.UtcNow + limit;
    while (!waiting.IsEmpty && DateTime.UtcNow < until)
    {
        await Parallel.ForEachAsync(waiting.ToArray(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (pair, _) =>
        {
            if (await new PeerInbox(sandbox, pair.Key).WaitForAsync([pair.Value], TimeSpan.Zero) == 1)
            {
                waiting.TryRemove(pair.Key, out string? _);
            }
        });
    }

    return sent.Count - waiting.Count;
}

async Task<JsonObject> IqsAsync(string phone) => (await sandbox.GetFromJsonAsync<JsonObject>($"/sandbox/accounts/{phone}/iqs"))!;

static JsonObject Delta(JsonObject before, JsonObject after)
{
    var delta = new JsonObject();
    foreach (var (kind, value) in after)
    {
        var n = value!.GetValue<long>() - (before[kind]?.GetValue<long>() ?? 0);
        if (n > 0)
        {
            delta[kind] = n;
        }
    }

    return delta;
}

static double Round(double value) => Math.Round(value, 3);

/// <summary>The driver's arguments.</summary>
internal sealed record FirstSettings(ServiceBenchArgs Common, int Peers, int Callers)
{
    public static FirstSettings Parse(string[] args)
    {
        var peers = 200;
        var callers = 32;
        var common = ServiceBenchArgs.Parse(args, (flag, value) =>
        {
            switch (flag)
            {
                case "--peers": peers = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--callers": callers = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: return false;
            }

            return true;
        });
        if (!common.IsComplete || peers is < 1 or > 99999 || callers < 1)
        {
            throw new ArgumentException("Usage: First --sandbox URL --service NAME=PATH [--service …] [--peers 1..99999] [--callers N>0] [--data DIR] [--clk-tck N]");
        }

        return new FirstSettings(common, peers, callers);
    }
}
