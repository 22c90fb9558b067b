using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

/// <summary>
/// One build of the service (src/Api, as users run it: every hosted service on) in a process of its own, pointed at
/// the standalone sandbox through <c>WhatsApp__Url</c> and <c>WhatsApp__TrustedRootKey</c>; its lines are created and
/// paired through its REST API and the sandbox's control API, with a webhook each.
/// </summary>
internal sealed class ServiceUnderTest : IAsyncDisposable
{
    private readonly HttpClient _admin;
    private readonly ProcessStartInfo _start;
    private readonly string _data;
    private Process _process;

    private ServiceUnderTest(string name, Process process, ProcessStartInfo start, string data, Uri baseAddress, string adminKey)
    {
        Name = name;
        _process = process;
        _start = start;
        _data = data;
        _admin = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public string Name { get; }

    public int Pid => _process.Id;

    /// <summary>Whether the service's process has ended (a crash, when nobody stopped it).</summary>
    public bool Exited => _process.HasExited;

    /// <summary>The service's address, for line API calls made with a line's token.</summary>
    public Uri BaseAddress => _admin.BaseAddress!;

    /// <summary>Starts the build at <paramref name="assembly"/>; <paramref name="environment"/> adds settings (e.g. rate limits).</summary>
    public static async Task<ServiceUnderTest> StartAsync(string name, string assembly, string data, Uri wsUrl, string rootKey, IReadOnlyDictionary<string, string>? environment = null)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Directory.CreateDirectory(data);
        var adminKey = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["WAENGINE_DATA"] = data;
        start.Environment["WAENGINE_ADMIN_KEY"] = adminKey;
        start.Environment["WhatsApp__Url"] = wsUrl.ToString();
        start.Environment["WhatsApp__TrustedRootKey"] = rootKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment.Remove("WAENGINE_SANDBOX");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var service = new ServiceUnderTest(name, Launch(name, start, data), start, data, new Uri($"http://127.0.0.1:{port}"), adminKey);
        await service.UntilHealthyAsync();
        return service;
    }

    /// <summary>
    /// Stops the service the way a user's restart does (SIGTERM: the host's graceful shutdown closes every line), then
    /// starts the same build again on the same port and data folder; returns how long the stop took and a clock
    /// started when the new process was launched. The new process restores its lines by itself (at
    /// <c>Api__RestoreLoginsPerSecond</c>, if <paramref name="environment"/> sets it).
    /// </summary>
    public async Task<(TimeSpan Stop, Stopwatch SinceLaunch)> RestartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var stopping = Stopwatch.StartNew();
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        var stopped = stopping.Elapsed;
        _process.Dispose();
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            _start.Environment[key] = value;
        }

        var sinceLaunch = Stopwatch.StartNew();
        _process = Launch(Name, _start, _data);
        await UntilHealthyAsync();
        return (stopped, sinceLaunch);
    }

    /// <summary>
    /// Creates a line with a webhook (if given; for <paramref name="events"/>, by default messages, statuses and line status), lets
    /// the sandbox's virtual phone <paramref name="phone"/> scan its QR, waits until it is connected, and returns the
    /// line's API token.
    /// </summary>
    public async Task<string> PairLineAsync(HttpClient sandbox, string phone, Uri? webhook, string[]? events = null)
    {
        var account = await sandbox.PostAsJsonAsync("/sandbox/accounts", new { phone });
        if (!account.IsSuccessStatusCode && account.StatusCode != HttpStatusCode.Conflict)
        {
            throw new InvalidOperationException($"{Name}: creating {phone}: {(int)account.StatusCode} {await account.Content.ReadAsStringAsync()}");
        }

        var created = await _admin.PostAsJsonAsync("/api/sessions", new
        {
            name = "idle " + phone,
            webhook_url = webhook?.ToString(),
            webhook_events = events ?? ["messages.received", "message.status", "session.status"],
        });
        created.EnsureSuccessStatusCode();
        var line = (await created.Content.ReadFromJsonAsync<JsonNode>())!;
        var id = line["id"]!.GetValue<long>();
        try
        {
            await ScanUntilConnectedAsync(sandbox, phone, id);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or TaskCanceledException)
        {
            // A pairing that failed on a loaded machine (the companion too slow to answer pair-success in time) leaves
            // no half-paired line behind: the caller may pair the phone again.
            await _admin.DeleteAsync(string.Create(CultureInfo.InvariantCulture, $"/api/sessions/{id}"));
            throw;
        }

        return line["token"]!.GetValue<string>();
    }

    /// <summary>Failed pairings tried again by <see cref="PairLineAsync"/>'s callers.</summary>
    private async Task ScanUntilConnectedAsync(HttpClient sandbox, string phone, long id)
    {
        var qr = await UntilAsync(async () =>
        {
            var answer = await _admin.GetAsync($"/api/sessions/{id}/qr");
            return answer.IsSuccessStatusCode ? (await answer.Content.ReadFromJsonAsync<JsonNode>())!["qr"]!.GetValue<string>() : null;
        }, $"line {id} showing a QR");
        var scan = await sandbox.PostAsJsonAsync($"/sandbox/accounts/{phone}/scan", new { qr });
        if (!scan.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{Name}: scan for {phone}: {(int)scan.StatusCode} {await scan.Content.ReadAsStringAsync()}");
        }

        await UntilAsync(async () => await StatusAsync(id) == "connected" ? "connected" : null, $"line {id} connected");
    }

    /// <summary>How many of the service's lines are connected now.</summary>
    public async Task<int> ConnectedAsync()
    {
        var lines = (await _admin.GetFromJsonAsync<JsonArray>("/api/sessions"))!;
        return lines.Count(l => l!["status"]!.GetValue<string>() == "connected");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static Process Launch(string name, ProcessStartInfo start, string data)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name}: dotnet did not start.");
        var log = new StreamWriter(Path.Combine(data, "service.log"), append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task UntilHealthyAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name}: the service exited with {_process.ExitCode}; see {_data}/service.log.");
            }

            try
            {
                if ((await _admin.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name}: no answer on /health within 60 s.");
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private async Task<string?> StatusAsync(long id) =>
        (await _admin.GetFromJsonAsync<JsonNode>(string.Create(CultureInfo.InvariantCulture, $"/api/sessions/{id}")))!["status"]!.GetValue<string>();

    private async Task<string> UntilAsync(Func<Task<string?>> probe, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name}: no {what} within 120 s.");
    }
}
