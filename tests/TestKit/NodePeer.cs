using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WaEngine.TestKit;

/// <summary>
/// Runs one of the small Node scripts in tests/interop (Baileys, libsignal) as an independent peer:
/// the request goes in as JSON on stdin, the answer comes back as JSON on stdout.
/// </summary>
public static class NodePeer
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Runs <paramref name="script"/> (a file in tests/interop) with <paramref name="input"/> and parses its JSON answer.</summary>
    public static async Task<JsonNode> RunAsync(string script, JsonNode input, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
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

        var start = new ProcessStartInfo("node", [scriptPath])
        {
            WorkingDirectory = RepoPaths.Interop,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? DefaultTimeout);

        var stdoutTask = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderrTask = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.StandardInput.WriteAsync(input.ToJsonString().AsMemory(), cts.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Interop script {script} did not finish in time.");
        }

        var stdout = await stdoutTask;
        var stderr = await stderrTask;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Interop script {script} exited with {process.ExitCode}: {Tail(stderr)}");
        }

        try
        {
            return JsonNode.Parse(stdout) ?? throw new InvalidOperationException($"Interop script {script} printed null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Interop script {script} printed something that is not JSON ({ex.Message}): {Tail(stdout)}", ex);
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
