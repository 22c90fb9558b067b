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
// from the first post to the last arrival; the iqs the line sent meanwhile, by kind (GET /sandbox/accounts/{phone}/iqs);
// with --sandbox-pid, the sandbox's CPU time over the same span (the third process: routing and the phones' decryption).
//   dotnet First.dll --sandbox http://127.0.0.1:PORT --service NAME=PATH/WaEngine.Api.dll [--service …]
//                    [--peers 200] [--callers 32] [--sandbox-pid PID] [--warm-firsts 0] [--data DIR] [--clk-tck 100]
// Builds are measured one after the other. Prints one JSON object on stdout.
var settings = FirstSettings.Parse(args);
using var bench = await ServiceBench.OpenAsync(settings.Common, "first", TimeSpan.FromSeconds(60));
var (sandbox, wsUrl, rootKey, data) = (bench.Sandbox, bench.WsUrl, bench.RootKey, bench.Data);
await bench.MeasureEachAsync(new JsonObject { ["peers"] = settings.Peers, ["callers"] = settings.Callers, ["warm_firsts"] = settings.WarmFirsts }, MeasureAsync);

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
    if (settings.WarmFirsts > 0)
    {
        // A service that has run a while has compiled its first-message path (usync, key fetch, X3DH) at its last tier:
        // first texts to other new phones, not measured, so the 200 below are not mostly the JIT's work.
        var warmPeers = Enumerable.Range(0, settings.WarmFirsts).Select(i => string.Create(CultureInfo.InvariantCulture, $"15557{index:00}{i:00000}")).ToList();
        Say($"warming up the first-message path: one first text to each of {warmPeers.Count} other new phones");
        await Parallel.ForEachAsync(warmPeers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (phone, _) =>
            (await sandbox.PostAsJsonAsync("/sandbox/accounts", new { phone })).EnsureSuccessStatusCode());
        var warmSent = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(warmPeers, new ParallelOptions { MaxDegreeOfParallelism = settings.Callers }, async (phone, _) =>
            warmSent[phone] = await SendAsync(phone, $"warm-up first words to {phone}"));
        await ArrivalsAsync(warmSent, TimeSpan.FromMinutes(5));

        // The runtime recompiles hot methods at a higher tier in the background for a while after: wait until the
        // service is idle (under 20 ms of CPU in a second, for at most 60 s), as it is long after its start.
        var quietUntil = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        for (var before = ProcSample.Take(service.Pid).Cpu; DateTime.UtcNow < quietUntil;)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = ProcSample.Take(service.Pid).Cpu;
            if (now - before < TimeSpan.FromMilliseconds(20))
            {
                break;
            }

            before = now;
        }
    }

    var peers = Enumerable.Range(0, settings.Peers).Select(i => string.Create(CultureInfo.InvariantCulture, $"15559{index:00}{i:00000}")).ToList();
    Say($"creating {peers.Count} virtual phones");
    await Parallel.ForEachAsync(peers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (phone, _) =>
        (await sandbox.PostAsJsonAsync("/sandbox/accounts", new { phone })).EnsureSuccessStatusCode());

    var iqsBefore = await IqsAsync(linePhone);
    Say($"one first text to each of {peers.Count} phones from {settings.Callers} callers");
    var sent = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
    var start = ProcSample.Take(service.Pid);
    var sandboxStart = settings.SandboxPid is { } pid ? ProcSample.Take(pid) : null;
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
    var sandboxCpu = sandboxStart is null ? 0 : (ProcSample.Take(sandboxStart.Pid).Cpu - sandboxStart.Cpu).TotalSeconds;
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
        ["sandbox_cpu_seconds"] = Round(sandboxCpu),
    };
}

// Each phone gets one text: one query for all the texts still awaited (POST /sandbox/arrivals) every 20 ms, until none
// is left — a request per phone per round loaded the sandbox, the third process, more than the line's sends did.
async Task<int> ArrivalsAsync(ConcurrentDictionary<string, string> sent, TimeSpan limit)
{
    var waiting = new Dictionary<string, string>(sent, StringComparer.Ordinal);
    var until = DateTime.UtcNow + limit;
    while (waiting.Count > 0 && DateTime.UtcNow < until)
    {
        var query = new { messages = waiting.Select(p => new { phone = p.Key, msg_id = p.Value }).ToList() };
        var answer = await sandbox.PostAsJsonAsync("/sandbox/arrivals", query);
        answer.EnsureSuccessStatusCode();
        var arrived = (await answer.Content.ReadFromJsonAsync<JsonNode>())!["arrived"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (phone, id) in waiting.ToList())
        {
            if (arrived.Contains(id))
            {
                waiting.Remove(phone);
            }
        }

        if (waiting.Count > 0)
        {
            await Task.Delay(20);
        }
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
internal sealed record FirstSettings(ServiceBenchArgs Common, int Peers, int Callers, int? SandboxPid, int WarmFirsts)
{
    public static FirstSettings Parse(string[] args)
    {
        var peers = 200;
        var callers = 32;
        int? sandboxPid = null;
        var warmFirsts = 0;
        var common = ServiceBenchArgs.Parse(args, (flag, value) =>
        {
            switch (flag)
            {
                case "--peers": peers = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--callers": callers = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--sandbox-pid": sandboxPid = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warm-firsts": warmFirsts = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: return false;
            }

            return true;
        });
        if (!common.IsComplete || peers is < 1 or > 99999 || callers < 1 || warmFirsts is < 0 or > 99999)
        {
            throw new ArgumentException("Usage: First --sandbox URL --service NAME=PATH [--service …] [--peers 1..99999] [--callers N>0] [--sandbox-pid PID] [--warm-firsts N] [--data DIR] [--clk-tck N]");
        }

        return new FirstSettings(common, peers, callers, sandboxPid, warmFirsts);
    }
}
