using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests;

/// <summary>The real service (src/Api) started as its own process on a free loopback port with its own data folder.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private int _disposed;

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

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

    public static async Task<ServiceProcess> StartAsync(string dataFolder, IEnumerable<string>? extraArguments = null, IDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dataFolder };
        start.ArgumentList.Add(ApiAssembly());
        foreach (var argument in extraArguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["WAENGINE_DATA"] = dataFolder;
        start.Environment.Remove("WAENGINE_ADMIN_KEY");
        start.Environment.Remove("WAENGINE_SANDBOX");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var service = new ServiceProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await HealthProbe.WaitAsync(service._process, service.Http, "service", () => service.Output);
            return service;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends SIGTERM (what systemd, Docker and Ctrl+C send) and waits for the process to end; returns its exit code.</summary>
    /// <exception cref="TimeoutException">It was still running after <paramref name="patience"/> (a hang, not a slow stop).</exception>
    public async Task<int> TerminateAsync(TimeSpan patience)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync();
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(patience);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The service was still running {patience} after SIGTERM. Its output:\n{Output}", ex);
        }

        return _process.ExitCode;
    }

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

    private static string ApiAssembly()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepoPaths.Root, "src", "Api", "bin", configuration, "net10.0", "WaEngine.Api.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build src/Api ({configuration}) first: {path} is missing.", path);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
