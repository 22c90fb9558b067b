using System.Diagnostics;
using System.Net;
using System.Text;

namespace WaEngine.TestKit;

/// <summary>
/// The standalone sandbox (src/Sandbox) started as its own process on a free loopback port, the way a user starts it:
/// <c>dotnet WaEngine.Sandbox.dll</c>, or <c>dotnet run --project src/Sandbox</c>. Unlike <see cref="RunningSandbox"/>
/// (in-process, data folder given), the program chooses its data folder itself from its arguments, environment and
/// working directory; the data variables of the test's own environment are not passed on.
/// </summary>
public sealed class SandboxProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private SandboxProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The sandbox's control API.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for <see cref="BaseAddress"/>.</summary>
    public HttpClient Http { get; }

    /// <summary>Everything the process wrote so far (its log).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs the built program (<c>dotnet WaEngine.Sandbox.dll</c>) in <paramref name="workingDirectory"/>.</summary>
    public static Task<SandboxProcess> StartAsync(string workingDirectory, IEnumerable<string>? arguments = null, IDictionary<string, string>? environment = null) =>
        StartAsync(workingDirectory, [SandboxAssembly()], arguments, environment);

    /// <summary>Runs <c>dotnet run --project src/Sandbox --no-build</c> from <paramref name="workingDirectory"/>, as a user would from a shell there.</summary>
    public static Task<SandboxProcess> StartWithDotnetRunAsync(string workingDirectory, IEnumerable<string>? arguments = null, IDictionary<string, string>? environment = null) =>
        StartAsync(workingDirectory, ["run", "--project", ProjectFolder, "-c", Configuration, "--no-build", "--"], arguments, environment);

    /// <summary>src/Sandbox in this checkout.</summary>
    public static string ProjectFolder => Path.Combine(RepoPaths.Root, "src", "Sandbox");

    /// <summary>Stops the process (its whole tree: <c>dotnet run</c> starts the program as a child).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static async Task<SandboxProcess> StartAsync(string workingDirectory, IEnumerable<string> command, IEnumerable<string>? arguments, IDictionary<string, string>? environment)
    {
        var port = RunningSandbox.FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var part in command)
        {
            start.ArgumentList.Add(part);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("WAENGINE_DATA");
        start.Environment.Remove("WAENGINE_SANDBOX_DATA");
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var sandbox = new SandboxProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await HealthProbe.WaitAsync(sandbox._process, sandbox.Http, "sandbox", () => sandbox.Output);
            return sandbox;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    private static string SandboxAssembly()
    {
        var path = Path.Combine(ProjectFolder, "bin", Configuration, "net10.0", "WaEngine.Sandbox.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build src/Sandbox ({Configuration}) first: {path} is missing.", path);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
