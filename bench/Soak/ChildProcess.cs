using System.Diagnostics;

/// <summary>
/// One process the soak runs (the sandbox, the service or the webhook receiver): started with fixed arguments and
/// environment, its output appended to a log file across restarts, killed hard (SIGKILL) or asked to stop (SIGTERM).
/// </summary>
internal sealed class ChildProcess(string name, string assembly, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, string logPath) : IAsyncDisposable
{
    private readonly StreamWriter _log = new(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    private Process? _process;

    public string Name => name;

    public int Pid => _process?.Id ?? 0;

    public bool Running => _process is { HasExited: false };

    public string LogPath => logPath;

    /// <summary>Starts the process and waits until <paramref name="healthUrl"/> answers 2xx.</summary>
    public async Task StartAsync(Uri healthUrl)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name}: dotnet did not start.");
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} at start; see {logPath}.");
            }

            try
            {
                if ((await probe.GetAsync(healthUrl)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{name}: no answer on {healthUrl} within 120 s; see {logPath}.");
    }

    /// <summary>SIGKILL: no chance to flush or close anything.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, then waits up to <paramref name="patience"/> (SIGKILL after it); returns how long the stop took.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        if (_process is { HasExited: false } process)
        {
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                await kill.WaitForExitAsync();
            }

            try
            {
                await process.WaitForExitAsync().WaitAsync(patience);
            }
            catch (TimeoutException)
            {
                Write($"soak: {name} still running {patience.TotalSeconds:0} s after SIGTERM; killing it");
                await KillAsync();
            }
        }

        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        await _log.DisposeAsync();
    }

    private void Write(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }
}
