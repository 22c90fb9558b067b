using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

/// <summary>A line of the service under soak.</summary>
internal sealed record SoakLine(long Id, string Token, string Phone, string DeviceJid, string Secret);

/// <summary>
/// A message the soak sent: inbound (a virtual phone to a line, or to a group the line is in: then one per line) or
/// outbound (a line through the REST API to a phone, or to a group: then every phone in it is owed the message).
/// </summary>
internal sealed record SentMessage(string MsgId, SoakLine Line, string Peer, string Kind, DateTimeOffset At, SoakGroup? Group = null);

/// <summary>A fault the soak injected, and how the service came through it.</summary>
internal sealed record InjectedFault(string Kind, long? LineId, DateTimeOffset At)
{
    /// <summary>How long until the line (or, for process faults, every line) was connected again; null if it never left or never came back.</summary>
    public TimeSpan? Recovery { get; set; }

    /// <summary>For a muted connection: how long the line still said connected.</summary>
    public TimeSpan? Noticed { get; set; }
}

/// <summary>
/// The soak: a standalone strict sandbox, the service and a webhook receiver that fails and stalls, each a process of its
/// own; N lines paired through the REST API; virtual phones and the lines writing to each other; faults on a schedule;
/// then a settle phase and a check that every message arrived where it should.
/// </summary>
internal sealed partial class SoakRun : IAsyncDisposable
{
    private static readonly string[] FaultCycle =
        ["drop", "stream_error", "mute", "corrupt_next", "unknown_stanza", "receiver_restart", "lose_message", "disk_full", "delay", "malformed_node",
         "service_kill", "oversized_frame", "drop_stanzas", "sandbox_restart"];

    private readonly Settings _settings;
    private readonly string _marker = "soakmsg" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
    private readonly string _adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private readonly Uri _sandboxUrl;
    private readonly Uri _serviceUrl;
    private readonly Uri _receiverUrl;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentBag<SentMessage> _inbound = [];
    private readonly ConcurrentBag<SentMessage> _outbound = [];
    private readonly ConcurrentQueue<SentMessage> _repliable = new();
    private readonly ConcurrentQueue<SentMessage> _phoneEditable = new();
    private readonly ConcurrentQueue<SentMessage> _lineEditable = new();
    private readonly ConcurrentBag<InjectedFault> _faults = [];
    private readonly ConcurrentBag<string> _faultsMissed = [];
    private readonly ConcurrentBag<string> _refusals = [];
    private readonly ConcurrentDictionary<string, int> _serverAnswers = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Task> _watchers = [];
    private readonly List<SoakLine> _lines = [];
    private readonly List<string> _peers = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<long, DateTimeOffset> _connectedWhileOffline = [];
    private ChildProcess _sandbox = null!;
    private ChildProcess _service = null!;
    private ChildProcess _receiver = null!;
    private TimeSpan _worstConnectedWhileOffline;
    private long _sequence;
    private volatile bool _serviceDown;
    private volatile bool _sandboxDown;
    private volatile bool _diskFull;

    public SoakRun(Settings settings)
    {
        _settings = settings;
        _sandboxUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        _serviceUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        _receiverUrl = new Uri($"http://127.0.0.1:{FreePort()}");
    }

    private static string Now => DateTimeOffset.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private string ReceivedFile => Path.Combine(_settings.Work, "received.jsonl");

    /// <summary>Starts the three processes and pairs the lines.</summary>
    public async Task StartAsync()
    {
        Directory.CreateDirectory(_settings.Work);
        var root = _settings.Root;
        var release = Path.Combine("bin", "Release", "net10.0");
        _sandbox = new ChildProcess("sandbox", Path.Combine(root, "src", "Sandbox", release, "WaEngine.Sandbox.dll"),
            ["--urls", _sandboxUrl.ToString().TrimEnd('/'), "--data", Path.Combine(_settings.Work, "sandbox")],
            new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                // What a phone could not decrypt and what it sent again: the trail of a message lost between a phone and a line.
                ["Logging__LogLevel__WaEngine.Sandbox.Phone"] = "Information",
            },
            _settings.Work, Path.Combine(_settings.Work, "sandbox.log"));
        await _sandbox.StartAsync(new Uri(_sandboxUrl, "/health"));
        var info = (await _http.GetFromJsonAsync<JsonNode>(new Uri(_sandboxUrl, "/sandbox/info")))!;

        _receiver = new ChildProcess("receiver", Path.Combine(root, "tests", "WebhookReceiver", release, "WaEngine.WebhookReceiver.dll"),
            ["--urls", _receiverUrl.ToString().TrimEnd('/'), "--out", ReceivedFile, "--fail-every", "10", "--slow-every", "53", "--slow-ms", "12000"],
            new Dictionary<string, string>(), _settings.Work, Path.Combine(_settings.Work, "receiver.log"));
        await _receiver.StartAsync(new Uri(_receiverUrl, "/health"));

        var data = DataFolder;
        MountDataDisk();
        _service = new ChildProcess("service", Path.Combine(root, "src", "Api", release, "WaEngine.Api.dll"),
            ["--urls", _serviceUrl.ToString().TrimEnd('/')],
            new Dictionary<string, string>
            {
                ["WAENGINE_DATA"] = data,
                ["WAENGINE_ADMIN_KEY"] = _adminKey,
                ["WhatsApp__Url"] = info["ws_url"]!.GetValue<string>(),
                ["WhatsApp__TrustedRootKey"] = info["root_public_key"]!.GetValue<string>(),
                ["Api__RateLimit__SendsPerSecond"] = "1000",
                ["Api__RateLimit__SendBurst"] = "2000",
                ["Api__RateLimit__RequestsPerSecond"] = "1000",
                ["Api__RateLimit__RequestBurst"] = "2000",
            },
            data, Path.Combine(_settings.Work, "service.log"));
        await _service.StartAsync(new Uri(_serviceUrl, "/health"));

        for (var p = 0; p < _settings.Peers; p++)
        {
            var phone = string.Create(CultureInfo.InvariantCulture, $"1556{p:0000000}");
            (await _http.PostAsJsonAsync(new Uri(_sandboxUrl, "/sandbox/accounts"), new { phone, push_name = "Peer " + p })).EnsureSuccessStatusCode();
            _peers.Add(phone);
        }

        Say($"pairing {_settings.Lines} lines");
        using var gate = new SemaphoreSlim(4);
        var paired = await Task.WhenAll(Enumerable.Range(0, _settings.Lines).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                return await PairAsync(string.Create(CultureInfo.InvariantCulture, $"1557{i:0000000}"));
            }
            finally
            {
                gate.Release();
            }
        }));
        _lines.AddRange(paired);
        await CreateGroupsAsync();
    }

    /// <summary>Traffic and faults for the configured minutes, then the settle phase; returns the figures.</summary>
    public async Task<SoakReport> RunAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(_settings.Minutes));
        Say($"traffic and faults for {_settings.Minutes:0.#} min (marker {_marker})");
        var clock = Stopwatch.StartNew();
        var traffic = Task.WhenAll(InboundLoopAsync(stop.Token), OutboundLoopAsync(stop.Token), MonitorLoopAsync(stop.Token));
        await FaultLoopAsync(stop.Token);
        await traffic;
        await Task.WhenAll(_watchers);
        Say("traffic stopped; settling");
        var settle = Stopwatch.StartNew();
        var report = await EvaluateAsync();
        while (!report.Settled && settle.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            report = await EvaluateAsync();
        }

        report.TrafficMinutes = clock.Elapsed.TotalMinutes - settle.Elapsed.TotalMinutes;
        report.SettleSeconds = settle.Elapsed.TotalSeconds;
        report.ShutdownSeconds = (await _service.TerminateAsync(TimeSpan.FromSeconds(30))).TotalSeconds;
        report.DamagedDatabases = CheckDatabases();
        report.DatabasesChecked = DatabasesChecked;
        await _sandbox.TerminateAsync(TimeSpan.FromSeconds(30));
        await _receiver.TerminateAsync(TimeSpan.FromSeconds(10));
        report.LogLeaks = LogLeaks();
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { _service, _sandbox, _receiver })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        _http.Dispose();
        UnmountDataDisk();
    }

    private static void Say(string text) => Console.Error.WriteLine($"soak {Now}: {text}");

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private HttpRequestMessage Admin(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(_serviceUrl, path)) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        return request;
    }

    private static HttpRequestMessage AsLine(SoakLine line, HttpMethod method, Uri url, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("X-API-Token", line.Token);
        return request;
    }

    private async Task<SoakLine> PairAsync(string phone)
    {
        (await _http.PostAsJsonAsync(new Uri(_sandboxUrl, "/sandbox/accounts"), new { phone })).EnsureSuccessStatusCode();
        var secret = "soaksecret" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        using var created = await _http.SendAsync(Admin(HttpMethod.Post, "/api/sessions", new
        {
            name = "soak " + phone,
            webhook_url = new Uri(_receiverUrl, "/hook").ToString(),
            webhook_secret = secret,
            webhook_events = new[] { "messages.received", "session.status" },
        }));
        created.EnsureSuccessStatusCode();
        var answer = (await created.Content.ReadFromJsonAsync<JsonNode>())!;
        var id = answer["id"]!.GetValue<long>();
        var qr = await UntilAsync(async () =>
        {
            using var response = await _http.SendAsync(Admin(HttpMethod.Get, $"/api/sessions/{id}/qr"));
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonNode>())!["qr"]!.GetValue<string>() : null;
        }, $"line {id} showing a QR", TimeSpan.FromSeconds(120));
        using var scan = await _http.PostAsJsonAsync(new Uri(_sandboxUrl, $"/sandbox/accounts/{phone}/scan"), new { qr });
        scan.EnsureSuccessStatusCode();
        var device = (await scan.Content.ReadFromJsonAsync<JsonNode>())!["device_jid"]!.GetValue<string>();
        await UntilAsync(async () => await StatusAsync(id) == "connected" ? "yes" : null, $"line {id} connected", TimeSpan.FromSeconds(120));
        return new SoakLine(id, answer["token"]!.GetValue<string>(), phone, device, secret);
    }

    private async Task<string?> StatusAsync(long id) => (await SessionAsync(id))?["status"]?.GetValue<string>();

    private async Task<JsonNode?> SessionAsync(long id)
    {
        try
        {
            using var response = await _http.SendAsync(Admin(HttpMethod.Get, $"/api/sessions/{id}"));
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonNode>() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<string> UntilAsync(Func<Task<string?>> probe, string what, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < patience)
        {
            try
            {
                if (await probe() is { } found)
                {
                    return found;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // A process restarting: ask again.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No {what} within {patience.TotalSeconds:0} s.");
    }

    private async Task InboundLoopAsync(CancellationToken stop)
    {
        var gap = TimeSpan.FromSeconds(1 / _settings.MessagesPerSecond);
        while (!stop.IsCancellationRequested)
        {
            var line = _lines[Random.Shared.Next(_lines.Count)];
            var peer = _peers[Random.Shared.Next(_peers.Count)];
            var seq = Interlocked.Increment(ref _sequence);
            try
            {
                if (seq % 6 == 3 && _groups.Count > 0)
                {
                    await SendGroupInboundAsync(seq);
                    await Pause(gap, stop);
                    continue;
                }

                // One in twelve edits, one in twelve deletes a text the phone sent the line earlier (each text at most once).
                if (seq % 12 is 5 or 11 && TakeRecent(_phoneEditable) is { } target)
                {
                    await SendInboundChangeAsync(target, seq % 12 == 5 ? "edit" : "delete", seq);
                    await Pause(gap, stop);
                    continue;
                }

                // Every third message is of a kind the engine does not parse: an eventMessage (field 75, which WhatsApp
                // names but the engine's protobufs leave out) or a field no WhatsApp version has named yet (150).
                var (kind, body) = (seq % 6) switch
                {
                    1 => ("event", (object)new { to = line.Phone, message_base64 = UnparsedKind(75, $"{_marker} event {seq}") }),
                    4 => ("unnamed_field", new { to = line.Phone, message_base64 = UnparsedKind(150, $"{_marker} future {seq}") }),
                    _ => ("text", new { to = line.Phone, text = $"{_marker} in {seq}" }),
                };
                using var sent = await _http.PostAsJsonAsync(new Uri(_sandboxUrl, $"/sandbox/accounts/{peer}/messages"), body, CancellationToken.None);
                if (sent.IsSuccessStatusCode)
                {
                    var id = (await sent.Content.ReadFromJsonAsync<JsonNode>(CancellationToken.None))!["msg_id"]!.GetValue<string>();
                    var message = new SentMessage(id, line, peer, kind, DateTimeOffset.UtcNow);
                    _inbound.Add(message);
                    if (kind == "text")
                    {
                        _repliable.Enqueue(message);
                        _phoneEditable.Enqueue(message);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // The sandbox is restarting: nothing was sent (or nothing we count).
            }

            await Pause(gap, stop);
        }
    }

    /// <summary>A Message holding only field <paramref name="field"/>, a sub-message whose field 1 is <paramref name="text"/>, as base64.</summary>
    private static string UnparsedKind(int field, string text)
    {
        var inner = new List<byte> { 0x0A };
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        Varint(inner, (ulong)bytes.Length);
        inner.AddRange(bytes);
        var outer = new List<byte>();
        Varint(outer, ((ulong)field << 3) | 2);
        Varint(outer, (ulong)inner.Count);
        outer.AddRange(inner);
        return Convert.ToBase64String([.. outer]);

        static void Varint(List<byte> into, ulong value)
        {
            while (value >= 0x80)
            {
                into.Add((byte)(value | 0x80));
                value >>= 7;
            }

            into.Add((byte)value);
        }
    }

    private async Task OutboundLoopAsync(CancellationToken stop)
    {
        var gap = TimeSpan.FromSeconds(1 / _settings.MessagesPerSecond);
        var pending = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            pending.Add(SendOneAsync());
            pending.RemoveAll(t => t.IsCompleted);
            await Pause(gap, stop);
        }

        await Task.WhenAll(pending);
    }

    /// <summary>
    /// One send through the REST API (a text, reply, reaction, or a text to one of the line's groups; <paramref name="kind"/>
    /// forces one), retried with the same Idempotency-Key while the service is unreachable.
    /// </summary>
    private async Task SendOneAsync(string? kind = null)
    {
        var seq = Interlocked.Increment(ref _sequence);
        var key = string.Create(CultureInfo.InvariantCulture, $"soak-{_marker}-{seq}");
        SentMessage? quoted = null;
        SoakGroup? group = null;
        SentMessage? own = null;
        kind ??= (seq % 20) switch { 0 or 10 => "reply", 5 or 15 => "reaction", 3 or 13 => "group", 7 => "edit", 17 => "delete", _ => "text" };
        var groups = _groups.Concat(_lineGroups).ToList();
        if (kind == "group" && groups.Count > 0)
        {
            // The phones' groups and the lines' own: a line in a phone's group also writes to that phone alone.
            group = groups[Random.Shared.Next(groups.Count)];
        }
        else if (kind is "reply" or "reaction" && _repliable.TryDequeue(out var target) && target.At < DateTimeOffset.UtcNow.AddSeconds(-30))
        {
            quoted = target;
        }
        else if (kind is "edit" or "delete" && TakeRecent(_lineEditable) is { } mine)
        {
            own = mine;
        }
        else
        {
            kind = "text";
        }

        var line = quoted?.Line ?? own?.Line ?? group?.Lines[Random.Shared.Next(group.Lines.Count)] ?? _lines[Random.Shared.Next(_lines.Count)];
        var peer = quoted?.Peer ?? own?.Peer ?? group?.Jid ?? _peers[Random.Shared.Next(_peers.Count)];
        var (path, body) = kind switch
        {
            "reply" => ("/api/messages/reply", (object)new { to = peer, text = $"{_marker} reply {seq}", quoted_msg_id = quoted!.MsgId }),
            "reaction" => ("/api/messages/reaction", new { to = peer, emoji = "👍", target_msg_id = quoted!.MsgId }),
            "edit" => ("/api/messages/edit", new { to = peer, text = $"{_marker} edited {seq}", target_msg_id = own!.MsgId }),
            "delete" => ("/api/messages/delete", new { to = peer, target_msg_id = own!.MsgId }),
            "group" => ("/api/messages/send", new { to = peer, text = $"{_marker} group out {seq}" }),
            _ => ("/api/messages/send", new { to = peer, text = $"{_marker} out {seq}" }),
        };
        var clock = Stopwatch.StartNew();
        var last = "nothing";
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            try
            {
                using var request = AsLine(line, HttpMethod.Post, new Uri(_serviceUrl, path), body);
                request.Headers.Add("Idempotency-Key", key);
                using var answer = await _http.SendAsync(request);
                var text = await answer.Content.ReadAsStringAsync();
                if (answer.StatusCode == HttpStatusCode.Accepted)
                {
                    var sent = new SentMessage(JsonNode.Parse(text)!["msg_id"]!.GetValue<string>(), line, peer, kind, DateTimeOffset.UtcNow, group);
                    _outbound.Add(sent);
                    if (kind == "text")
                    {
                        _lineEditable.Enqueue(sent);
                    }

                    return;
                }

                if ((int)answer.StatusCode >= 500)
                {
                    // Counted by status and code: 507 storage_full while the disk is full is the clear answer; a 500 is a failure.
                    var code = answer.Content.Headers.ContentType?.MediaType == "application/json" && text.StartsWith('{') ? JsonNode.Parse(text)?["code"]?.GetValue<string>() : null;
                    _serverAnswers.AddOrUpdate($"{(int)answer.StatusCode} {code ?? "(no code)"}{(_diskFull ? " while the disk was full" : "")}", 1, (_, n) => n + 1);
                }

                last = $"{(int)answer.StatusCode} {text}";
                if ((int)answer.StatusCode is 429 or >= 500 || (answer.StatusCode == HttpStatusCode.NotFound && kind != "text"))
                {
                    // Busy, restarting, or (for a reply or reaction) its target not stored yet after a restart: again.
                    await Task.Delay(1000);
                    continue;
                }

                _refusals.Add($"{path} on line {line.Id}: {(int)answer.StatusCode} {text}");
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.GetType().Name;
                await Task.Delay(500);
            }
        }

        // Which target and what the service last said: a reply or reaction answered 404 for 3 minutes quotes a message its line never stored.
        _refusals.Add($"{path} on line {line.Id}{((quoted ?? own) is { } aimed ? $" (target {aimed.MsgId} from {aimed.At:HH:mm:ss})" : "")}: no answer for 3 minutes; the last: {last}");
    }

    private static async Task Pause(TimeSpan gap, CancellationToken stop)
    {
        try
        {
            await Task.Delay(gap, stop);
        }
        catch (OperationCanceledException)
        {
            // The end of the traffic phase.
        }
    }

    /// <summary>Every 2 s: a line the service says is connected while the sandbox has no connection for it, and for how long.</summary>
    private async Task MonitorLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Pause(TimeSpan.FromSeconds(2), stop);
            if (_serviceDown || _sandboxDown)
            {
                lock (_gate)
                {
                    _connectedWhileOffline.Clear();
                }

                continue;
            }

            try
            {
                using var sessions = await _http.SendAsync(Admin(HttpMethod.Get, "/api/sessions"));
                var accounts = (await _http.GetFromJsonAsync<JsonArray>(new Uri(_sandboxUrl, "/sandbox/accounts")))!;
                if (!sessions.IsSuccessStatusCode || _serviceDown || _sandboxDown)
                {
                    continue;
                }

                var online = accounts.SelectMany(a => a!["online"]!.AsArray().Select(d => d!.GetValue<string>())).ToHashSet();
                var statuses = (await sessions.Content.ReadFromJsonAsync<JsonArray>())!.ToDictionary(s => s!["id"]!.GetValue<long>(), s => s!["status"]!.GetValue<string>());
                var now = DateTimeOffset.UtcNow;
                lock (_gate)
                {
                    foreach (var line in _lines)
                    {
                        if (statuses.GetValueOrDefault(line.Id) == "connected" && !online.Contains(line.DeviceJid))
                        {
                            var since = _connectedWhileOffline.TryGetValue(line.Id, out var start) ? start : _connectedWhileOffline[line.Id] = now;
                            _worstConnectedWhileOffline = TimeSpan.FromTicks(Math.Max(_worstConnectedWhileOffline.Ticks, (now - since).Ticks));
                        }
                        else
                        {
                            _connectedWhileOffline.Remove(line.Id);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or NullReferenceException)
            {
                // A process restarting between the two reads.
            }
        }
    }

    private async Task FaultLoopAsync(CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            await Pause(_settings.FaultEvery, stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            var kind = FaultCycle[n % FaultCycle.Length];
            if (kind == "disk_full" && !_diskMounted)
            {
                kind = FaultCycle[++n % FaultCycle.Length];
            }

            try
            {
                await InjectAsync(kind, await ConnectedLineAsync());
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or TimeoutException)
            {
                Say($"fault {kind} could not be injected: {ex.Message}");
            }
        }
    }

    private async Task InjectAsync(string kind, SoakLine line)
    {
        switch (kind)
        {
            case "receiver_restart":
            {
                var fault = new InjectedFault(kind, null, DateTimeOffset.UtcNow);
                await _receiver.KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(5));
                await _receiver.StartAsync(new Uri(_receiverUrl, "/health"));
                fault.Recovery = DateTimeOffset.UtcNow - fault.At;
                _faults.Add(fault);
                Say("receiver killed and restarted after 5 s");
                return;
            }

            case "service_kill":
            {
                var fault = new InjectedFault(kind, null, DateTimeOffset.UtcNow);
                _serviceDown = true;
                await _service.KillAsync();
                await Task.Delay(TimeSpan.FromSeconds(2));
                await _service.StartAsync(new Uri(_serviceUrl, "/health"));
                _serviceDown = false;
                _faults.Add(fault);
                _watchers.Add(AllConnectedAsync(fault));
                Say("service SIGKILLed and started again");
                return;
            }

            case "disk_full":
                await DiskFullAsync();
                return;

            case "sandbox_restart":
            {
                var fault = new InjectedFault(kind, null, DateTimeOffset.UtcNow);
                _sandboxDown = true;
                await _sandbox.TerminateAsync(TimeSpan.FromSeconds(30));
                await Task.Delay(TimeSpan.FromSeconds(2));
                await _sandbox.StartAsync(new Uri(_sandboxUrl, "/health"));
                _sandboxDown = false;
                _faults.Add(fault);
                _watchers.Add(AllConnectedAsync(fault));
                Say("sandbox stopped and started again");
                return;
            }

            default:
            {
                var fault = new InjectedFault(kind, line.Id, DateTimeOffset.UtcNow);
                object body = kind switch
                {
                    "drop" => new { device_jid = line.DeviceJid, kind },
                    "stream_error" => new { device_jid = line.DeviceJid, kind, code = "515" },
                    // A server silent toward the line for a minute, the socket open (issue #18: noticed within two keepalive intervals).
                    "mute" => new { device_jid = line.DeviceJid, kind, ms = 60_000 },
                    "lose_message" => new { device_jid = line.DeviceJid, kind, count = 1 },
                    "delay" => new { device_jid = line.DeviceJid, kind, ms = 3000, count = 5 },
                    "corrupt_next" => new { device_jid = line.DeviceJid, kind, count = 2 },
                    "drop_stanzas" => new { device_jid = line.DeviceJid, kind, count = 3 },
                    "malformed_node" or "oversized_frame" or "unknown_stanza" => new { device_jid = line.DeviceJid, kind },
                    _ => throw new InvalidOperationException($"Unknown fault {kind}."),
                };
                using var answer = await _http.PostAsJsonAsync(new Uri(_sandboxUrl, "/sandbox/faults"), body);
                if (!answer.IsSuccessStatusCode)
                {
                    // A line chosen connected may have lost its connection since (409): counted, so the report says how many missed.
                    Say($"fault {kind} on line {line.Id} refused: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                    _faultsMissed.Add(kind);
                    return;
                }

                _faults.Add(fault);
                Say($"fault {kind} on line {line.Id}");
                _watchers.Add(WatchLineAsync(fault, line, kind));
                return;
            }
        }
    }

    /// <summary>
    /// A line to aim a fault at: one the sandbox has a connection for right now (a hostile frame or a drop aimed at a line
    /// still reconnecting would be refused, a mute or a corruption would wait for its next login); any line if none is.
    /// </summary>
    private async Task<SoakLine> ConnectedLineAsync()
    {
        try
        {
            var accounts = (await _http.GetFromJsonAsync<JsonArray>(new Uri(_sandboxUrl, "/sandbox/accounts")))!;
            var online = accounts.SelectMany(a => a!["online"]!.AsArray().Select(d => d!.GetValue<string>())).ToHashSet(StringComparer.Ordinal);
            var connected = _lines.Where(l => online.Contains(l.DeviceJid)).ToList();
            if (connected.Count > 0)
            {
                return connected[Random.Shared.Next(connected.Count)];
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or NullReferenceException)
        {
            // The sandbox restarting: any line (the fault is then refused and counted as missed).
        }

        return _lines[Random.Shared.Next(_lines.Count)];
    }

    /// <summary>Until the line left connected and came back (or 3 minutes): how long it took, and for a mute how long it still said connected.</summary>
    private async Task WatchLineAsync(InjectedFault fault, SoakLine line, string kind)
    {
        if (kind == "drop_stanzas")
        {
            // Dropped stanzas stay queued at the server until the device reconnects: the server drops it 10 s later,
            // as WhatsApp ends a connection whose acks stop (R6).
            await Task.Delay(TimeSpan.FromSeconds(10));
            try
            {
                using var drop = await _http.PostAsJsonAsync(new Uri(_sandboxUrl, "/sandbox/faults"), new { device_jid = line.DeviceJid, kind = "drop" });
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // The sandbox restarting drops every connection anyway.
            }
        }

        if (kind is "delay" or "corrupt_next" or "oversized_frame" or "unknown_stanza")
        {
            // The line reads these and carries on: nothing to come back from (what they carried is checked at the end).
            return;
        }

        // Recovered when the line is connected since a moment after the fault (a 515 restart may take less time than
        // one poll); for a mute, noticed when the line first shows anything but connected.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var view = await SessionAsync(line.Id);
            var status = view?["status"]?.GetValue<string>();
            if (fault.Noticed is null && status is not null && status != "connected")
            {
                fault.Noticed = DateTimeOffset.UtcNow - fault.At;
            }

            if (status == "connected" && view!["health"]?["connected_since"]?.GetValue<DateTimeOffset>() is { } since && since > fault.At)
            {
                fault.Recovery = since - fault.At;
                fault.Noticed ??= fault.Recovery;
                return;
            }

            await Task.Delay(250);
        }
    }

    /// <summary>After a process restart: how long until every line is connected again.</summary>
    private async Task AllConnectedAsync(InjectedFault fault)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            try
            {
                using var sessions = await _http.SendAsync(Admin(HttpMethod.Get, "/api/sessions"));
                if (sessions.IsSuccessStatusCode && (await sessions.Content.ReadFromJsonAsync<JsonArray>())!.All(s => s!["status"]!.GetValue<string>() == "connected"))
                {
                    fault.Recovery = DateTimeOffset.UtcNow - fault.At;
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Restarting again.
            }

            await Task.Delay(500);
        }
    }
}
