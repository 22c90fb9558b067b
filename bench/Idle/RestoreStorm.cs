using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>
/// The restore storm, after the idle measurement, with every line paired and connected: (1) the service restarts
/// (SIGTERM, then the same build on the same data) and restores its lines at a given login rate; (2) the sandbox
/// restarts under the connected lines (SIGTERM, then the same command line on the same data) and the lines come back
/// by their reconnect backoff. For each: seconds until every line is connected again, the connected count second by
/// second (hence logins per second), the service's CPU (peak over one second, in cores, and in all) and peak resident
/// memory, and the R18 notices the sandbox counted meanwhile (logins beyond its per-second limit).
/// </summary>
internal static class RestoreStorm
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(15);

    /// <param name="loginsPerSecond">The rate to set; null leaves the service's default (the automatic rate).</param>
    public static async Task<JsonObject> ServiceRestartAsync(ServiceUnderTest service, HttpClient sandbox, int lines, double? loginsPerSecond, Action<string> say)
    {
        var notices = await R18Async(sandbox);
        say($"restarting the service; it restores {lines} lines at {(loginsPerSecond is { } set ? set.ToString(CultureInfo.InvariantCulture) : "its automatic rate of")} logins per second");
        var environment = new Dictionary<string, string>();
        if (loginsPerSecond is { } rate)
        {
            environment["Api__RestoreLoginsPerSecond"] = rate.ToString(CultureInfo.InvariantCulture);
        }

        var (stop, sinceLaunch) = await service.RestartAsync(environment);
        var result = await UntilAllConnectedAsync(service, lines, say, sinceLaunch);
        result["stop_seconds"] = Math.Round(stop.TotalSeconds, 3);
        result["logins_per_second_setting"] = loginsPerSecond is { } setting ? (JsonNode)setting : "auto";
        result["r18_notices"] = await R18Async(sandbox) - notices;
        result["hwm_kib"] = service.Exited ? null : ProcSample.Take(service.Pid).HwmKiB;
        return result;
    }

    /// <summary>Restarts the sandbox; the new process's id is written to <paramref name="pidFile"/> for the caller to end it.</summary>
    public static async Task<JsonObject> SandboxRestartAsync(ServiceUnderTest service, HttpClient sandbox, int sandboxPid, string pidFile, int lines, Action<string> say)
    {
        var command = File.ReadAllText($"/proc/{sandboxPid}/cmdline").TrimEnd('\0').Split('\0');
        var folder = Path.GetFullPath($"/proc/{sandboxPid}/cwd");
        var workingDirectory = new DirectoryInfo(folder).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? folder;
        say($"restarting the sandbox (pid {sandboxPid}) under {lines} connected lines");
        var down = Stopwatch.StartNew();
        using (var term = Process.Start("kill", ["-TERM", sandboxPid.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        while (Directory.Exists($"/proc/{sandboxPid}") && down.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false, WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        var restarted = Process.Start(start) ?? throw new InvalidOperationException("The sandbox did not start again.");
        await File.WriteAllTextAsync(pidFile, restarted.Id.ToString(CultureInfo.InvariantCulture));
        var log = new StreamWriter(pidFile + ".log") { AutoFlush = true };
        restarted.OutputDataReceived += (_, e) => WriteLog(log, e.Data);
        restarted.ErrorDataReceived += (_, e) => WriteLog(log, e.Data);
        restarted.BeginOutputReadLine();
        restarted.BeginErrorReadLine();
        var downSeconds = 0.0;
        while (down.Elapsed < TimeSpan.FromSeconds(120))
        {
            try
            {
                if ((await sandbox.GetAsync("/health")).IsSuccessStatusCode)
                {
                    downSeconds = down.Elapsed.TotalSeconds;
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        say($"the sandbox answers again after {downSeconds:0.0} s (pid {restarted.Id})");
        var result = await UntilAllConnectedAsync(service, lines, say, down);
        result["sandbox_down_seconds"] = Math.Round(downSeconds, 3);
        result["sandbox_pid"] = restarted.Id;
        result["r18_notices"] = await R18Async(sandbox);
        return result;
    }

    /// <summary>
    /// Polls the service once a second until all <paramref name="lines"/> are connected; seconds are counted from
    /// <paramref name="since"/> (the restart), or from now.
    /// </summary>
    private static async Task<JsonObject> UntilAllConnectedAsync(ServiceUnderTest service, int lines, Action<string> say, Stopwatch? since = null)
    {
        var clock = since ?? Stopwatch.StartNew();
        var first = ProcSample.Take(service.Pid);
        var previous = first;
        var previousAt = clock.Elapsed;
        var timeline = new JsonArray();
        var peakCores = 0.0;
        var peakRate = 0;
        var lastCount = 0;
        double? firstConnected = null;
        var connected = 0;
        var unanswered = 0;
        while (clock.Elapsed < Patience)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (service.Exited)
            {
                say($"the service exited (see its service.log) after {clock.Elapsed.TotalSeconds:0} s");
                break;
            }

            try
            {
                connected = await service.ConnectedAsync();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // A service too busy to answer within the client's timeout: noted, and asked again.
                unanswered++;
                say($"the service did not answer the status poll: {ex.Message}");
                continue;
            }

            var now = ProcSample.Take(service.Pid);
            var at = clock.Elapsed;
            peakCores = Math.Max(peakCores, (now.Cpu - previous.Cpu).TotalSeconds / (at - previousAt).TotalSeconds);
            peakRate = Math.Max(peakRate, connected - lastCount);
            if (connected > 0 && firstConnected is null)
            {
                firstConnected = at.TotalSeconds;
            }

            timeline.Add(new JsonArray(Math.Round(at.TotalSeconds, 1), connected));
            if (timeline.Count % 15 == 0)
            {
                say($"{connected} of {lines} connected after {at.TotalSeconds:0} s");
            }

            (previous, previousAt, lastCount) = (now, at, connected);
            if (connected == lines)
            {
                break;
            }
        }

        // Logins per second over the spread from the first poll that saw a line connected to the one that saw them all
        // (left out when that was under two polls: the restore was done before it could be timed).
        var allSeconds = clock.Elapsed.TotalSeconds;
        var spread = allSeconds - (firstConnected ?? allSeconds);
        say($"{connected} of {lines} connected after {allSeconds:0.0} s");
        return new JsonObject
        {
            ["lines"] = lines,
            ["connected"] = connected,
            ["all_connected_seconds"] = connected == lines ? Math.Round(allSeconds, 1) : null,
            ["first_connected_seconds"] = firstConnected,
            ["logins_per_second"] = spread >= 2 ? Math.Round(connected / spread, 2) : null,
            ["peak_logins_in_one_second"] = peakRate,
            ["cpu_seconds"] = Math.Round((previous.Cpu - first.Cpu).TotalSeconds, 2),
            ["peak_cpu_cores"] = Math.Round(peakCores, 2),
            ["rss_kib_at_end"] = previous.RssKiB,
            ["unanswered_polls"] = unanswered,
            ["service_exited"] = service.Exited,
            ["connected_by_second"] = timeline,
        };
    }

    private static void WriteLog(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static async Task<long> R18Async(HttpClient sandbox)
    {
        var rules = await sandbox.GetFromJsonAsync<JsonNode>("/sandbox/rules");
        return rules?["breaches"]?["R18"]?.GetValue<long>() ?? 0;
    }
}
