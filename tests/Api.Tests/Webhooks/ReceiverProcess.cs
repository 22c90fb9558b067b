using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>
/// The test webhook receiver (tests/WebhookReceiver) as its own process on a fixed loopback port, so a test can kill
/// it (SIGKILL) and start it again in place. Every request it saw is in <see cref="RecordFile"/>.
/// </summary>
internal sealed class ReceiverProcess : IAsyncDisposable
{
    private readonly string[] _schedule;
    private Process? _process;

    private ReceiverProcess(string recordFile, int port, string[] schedule)
    {
        RecordFile = recordFile;
        Port = port;
        _schedule = schedule;
    }

    public string RecordFile { get; }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/webhook/waengine");

    public int Starts { get; private set; }

    /// <summary>Starts a receiver that answers 500 to every <paramref name="failEvery"/>-th request and holds every <paramref name="slowEvery"/>-th one for <paramref name="slowMs"/> ms.</summary>
    public static async Task<ReceiverProcess> StartAsync(string recordFile, int failEvery = 0, int slowEvery = 0, int slowMs = 0, int port = 0)
    {
        var receiver = new ReceiverProcess(recordFile, port == 0 ? FreePort() : port, [
            "--fail-every", failEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--slow-every", slowEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--slow-ms", slowMs.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await receiver.StartAsync();
        return receiver;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task StartAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("The receiver is already running.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Assembly());
        foreach (var argument in (string[])["--urls", $"http://127.0.0.1:{Port}", "--out", RecordFile, .. _schedule])
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Starts++;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 150; i++)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                lock (output)
                {
                    throw new InvalidOperationException($"The receiver exited with {process.ExitCode}: {output}");
                }
            }

            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{Port}/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The receiver did not listen on port {Port} within 15 s.");
    }

    /// <summary>SIGKILL: the receiver vanishes mid-request, with whatever it was doing.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
            _process = null;
        }
    }

    /// <summary>Every request recorded so far (a line cut short by a kill is skipped).</summary>
    public IReadOnlyList<ReceivedRequest> Requests() => ReceivedRequest.ReadAll(RecordFile);

    public async ValueTask DisposeAsync() => await KillAsync();

    private static string Assembly()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepoPaths.Root, "tests", "WebhookReceiver", "bin", configuration, "net10.0", "WaEngine.WebhookReceiver.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build tests/WebhookReceiver ({configuration}) first: {path} is missing.", path);
    }
}
