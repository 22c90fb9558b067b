using System.Diagnostics;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Signal;
using WaEngine.TestKit;
using Xunit.Abstractions;

namespace WaEngine.Integration.Tests;

/// <summary>The supervisor: restoring running lines after a process restart, and many lines in one process.</summary>
public sealed class SupervisorTests(ITestOutputHelper output)
{
    private static readonly LineId Running = new(1);
    private static readonly LineId Stopped = new(2);
    private static readonly LineId New = new(3);

    [Fact]
    public async Task RestoresOnlyTheLinesThatWereRunning()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        var lines = Path.Combine(folder.Path, "lines");

        await using (var supervisor = Create(url, root, lines))
        {
            await PairAsync(sandbox, await supervisor.GetOrCreateAsync(Running, CancellationToken.None), "15550007001");
            var stopped = await supervisor.GetOrCreateAsync(Stopped, CancellationToken.None);
            await PairAsync(sandbox, stopped, "15550007002");
            await stopped.StopAsync(CancellationToken.None);
            await supervisor.GetOrCreateAsync(New, CancellationToken.None);
        }

        await using (var supervisor = Create(url, root, lines))
        {
            Assert.Equal(1, await supervisor.RestoreAsync([Running, Stopped, New], CancellationToken.None));
            var running = await supervisor.GetOrCreateAsync(Running, CancellationToken.None);
            await PairingTests.PollAsync(() => running.Status == LineStatus.Connected, "the running line logged in again");
            Assert.Equal(LineStatus.Stopped, (await supervisor.GetOrCreateAsync(Stopped, CancellationToken.None)).Status);
            Assert.Equal(LineStatus.Stopped, (await supervisor.GetOrCreateAsync(New, CancellationToken.None)).Status);
        }
    }

    [Fact]
    public async Task TwoHundredLinesPairConnectAndAllReconnectAfterASandboxRestart()
    {
        const int count = 200;
        using var folder = new TempFolder();
        var sandboxFolder = Path.Combine(folder.Path, "sandbox");
        var port = RunningSandbox.FreePort();
        var sandbox = await RunningSandbox.StartAsync(sandboxFolder, port);
        try
        {
            var (url, root) = await sandbox.InfoAsync();
            await using var supervisor = Create(url, root, Path.Combine(folder.Path, "lines"));
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var watch = Stopwatch.StartNew();
            var ids = Enumerable.Range(0, count).Select(i => new LineId(i + 1)).ToList();
            using var gate = new SemaphoreSlim(8);
            await Task.WhenAll(ids.Select(async (id, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    await PairAsync(sandbox, await supervisor.GetOrCreateAsync(id, CancellationToken.None), $"1555100{i:0000}");
                }
                finally
                {
                    gate.Release();
                }
            }));
            var actors = await Task.WhenAll(ids.Select(id => supervisor.GetOrCreateAsync(id, CancellationToken.None)));
            output.WriteLine($"{count} lines paired and connected in {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.All(actors, a => Assert.Equal(LineStatus.Connected, a.Status));

            await Task.Delay(1000);
            var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            output.WriteLine($"managed heap grew {(heapAfter - heapBefore) / 1024.0 / 1024.0:0.0} MiB for {count} connected lines "
                + $"({(heapAfter - heapBefore) / 1024.0 / count:0} KiB per line, engine and sandbox sides together)");

            await Task.Delay(TimeSpan.FromSeconds(5));
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            await Task.Delay(TimeSpan.FromSeconds(10));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            output.WriteLine($"idle CPU over 10 s: {cpu.TotalMilliseconds:0} ms for {count} lines "
                + $"({cpu.TotalMilliseconds * 6 / count:0.00} ms per line per minute, engine and sandbox together, keepalive every 25 s)");

            await sandbox.DisposeAsync();
            await PairingTests.PollAsync(() => actors.All(a => a.Status != LineStatus.Connected), "every line noticed the drop");
            watch.Restart();
            sandbox = await RunningSandbox.StartAsync(sandboxFolder, port);
            await PairingTests.PollAsync(() => actors.All(a => a.Status == LineStatus.Connected), "every line reconnected", TimeSpan.FromSeconds(60));
            output.WriteLine($"{count} lines reconnected {watch.Elapsed.TotalSeconds:0.0} s after the sandbox came back");
            Assert.All(actors, a => Assert.True(a.Health.ReconnectCount >= 1));
        }
        finally
        {
            await sandbox.DisposeAsync();
        }
    }

    private static LineSupervisor Create(Uri url, byte[] root, string folder)
    {
        Directory.CreateDirectory(folder);
        return new LineSupervisor(TestLine.Options(url, root), async (id, ct) =>
        {
            var database = await LineDatabase.OpenAsync(Path.Combine(folder, id + ".db"), ct);
            return new LineStores(new SqliteCredentialStore(database), new SqliteSignalStore(database), new WaEngine.Store.Messages.SqliteMessageStore(database), database);
        }, TestLine.Logs);
    }

    private static async Task PairAsync(RunningSandbox sandbox, LineActor actor, string phone)
    {
        await sandbox.CreateAccountAsync(phone);
        using var events = actor.Subscribe();
        await actor.StartAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        QrCodeIssued? qr = null;
        while (qr is null)
        {
            qr = await events.Reader.ReadAsync(timeout.Token) as QrCodeIssued;
        }

        await sandbox.ScanAsync(phone, qr.Qr);
        while (actor.Status != LineStatus.Connected)
        {
            await events.Reader.ReadAsync(timeout.Token);
        }
    }
}
