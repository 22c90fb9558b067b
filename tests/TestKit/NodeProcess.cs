using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace WaEngine.TestKit;

/// <summary>
/// A long-lived Node peer for stateful conversations (a libsignal session, a Baileys socket): one JSON request
/// per line on stdin, one JSON answer per line on stdout. Scripts use <c>serveLines</c> from tests/interop/lib.mjs.
/// An answer of the form <c>{"error": "..."}</c> becomes a <see cref="NodePeerException"/>.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly StringBuilder _stderr = new();
    private readonly string _script;

    private NodeProcess(Process process, string script)
    {
        _process = process;
        _script = script;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (_stderr)
            {
                if (_stderr.Length > 16_000)
                {
                    _stderr.Remove(0, 8_000);
                }

                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <paramref name="script"/> (a file in tests/interop) with optional extra arguments and environment.</summary>
    public static NodeProcess Start(string script, IEnumerable<string>? arguments = null, IDictionary<string, string>? environment = null)
    {
        var scriptPath = Path.Combine(RepoPaths.Interop, script);
        if (!File.Exists(scriptPath))
        {
            throw new FileNotFoundException($"Interop script {script} is missing from {RepoPaths.Interop}.", scriptPath);
        }

        if (!Directory.Exists(Path.Combine(RepoPaths.Interop, "node_modules", "baileys")))
        {
            throw new InvalidOperationException($"Baileys is not installed: run 'npm ci' in {RepoPaths.Interop} (bash .ci/run does).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Interop,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(scriptPath);
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        return new NodeProcess(process, script);
    }

    /// <summary>What the script wrote to stderr lately (for failure messages).</summary>
    public string RecentErrors
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Sends one request and waits for its answer.</summary>
    public async Task<JsonNode> CallAsync(JsonNode request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromMinutes(2));
        await _gate.WaitAsync(cts.Token);
        try
        {
            await _process.StandardInput.WriteLineAsync(request.ToJsonString().AsMemory(), cts.Token);
            await _process.StandardInput.FlushAsync(cts.Token);
            string? line;
            try
            {
                line = await _process.StandardOutput.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{_script} did not answer in time. stderr: {RecentErrors}");
            }

            if (line is null)
            {
                throw new NodePeerException($"{_script} exited before answering. stderr: {RecentErrors}");
            }

            var answer = JsonNode.Parse(line) ?? throw new NodePeerException($"{_script} answered null.");
            if (answer is JsonObject obj && obj.TryGetPropertyValue("error", out var error) && error is not null)
            {
                throw new NodePeerException($"{_script}: {error}");
            }

            return answer;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
            _gate.Dispose();
        }
    }
}
