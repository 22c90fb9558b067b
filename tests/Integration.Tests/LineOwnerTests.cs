using System.Diagnostics;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Api.Sessions;
using WaEngine.Store;
using WaEngine.TestKit;
using Xunit.Abstractions;

namespace WaEngine.Integration.Tests;

/// <summary>The service's line owner (one actor per line over its database): restoring running lines after a process restart, and many lines in one process.</summary>
public sealed class LineOwnerTests(ITestOutputHelper output)
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

        using (var databases = new LineDatabases(lines))
        await using (var owner = Create(url, root, databases))
        {
            await PairAsync(sandbox, await ActorAsync(owner, Running), "15550007001");
            var stopped = await ActorAsync(owner, Stopped);
            await PairAsync(sandbox, stopped, "15550007002");
            await stopped.StopAsync(CancellationToken.None);
            await ActorAsync(owner, New);
        }

        using (var databases = new LineDatabases(lines))
        await using (var owner = Create(url, root, databases))
        {
            Assert.Equal(1, await owner.RestoreAsync([Running, Stopped, New], CancellationToken.None));
            Assert.Equal([Running, Stopped, New], owner.Lines.Order());
            var running = await ActorAsync(owner, Running);
            await PairingTests.PollAsync(() => running.Status == LineStatus.Connected, "the running line logged in again");
            Assert.Equal(LineStatus.Stopped, (await ActorAsync(owner, Stopped)).Status);
            Assert.Equal(LineStatus.Stopped, (await ActorAsync(owner, New)).Status);
            Assert.Same(running, await ActorAsync(owner, Running));
            Assert.Same(await databases.OpenAsync(Running, CancellationToken.None), (await owner.OpenAsync(Running, CancellationToken.None)).Database);

            await owner.CloseAsync(Running);
            Assert.DoesNotContain(Running, owner.Lines);
            Assert.NotSame(running, await ActorAsync(owner, Running));
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
            using var databases = new LineDatabases(Path.Combine(folder.Path, "lines"));
            await using var owner = Create(url, root, databases);
            var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var watch = Stopwatch.StartNew();
            var ids = Enumerable.Range(0, count).Select(i => new LineId(i + 1)).ToList();
            using var gate = new SemaphoreSlim(8);
            await Task.WhenAll(ids.Select(async (id, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    await PairAsync(sandbox, await ActorAsync(owner, id), $"1555100{i:0000}");
                }
                finally
                {
                    gate.Release();
                }
            }));
            var actors = await Task.WhenAll(ids.Select(id => ActorAsync(owner, id)));
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

    private static LocalLineOwner Create(Uri url, byte[] root, LineDatabases databases) => new(databases, () => TestLine.Options(url, root), TestLine.Logs);

    private static async Task<LineActor> ActorAsync(ILineOwner owner, LineId id) => (await owner.OpenAsync(id, CancellationToken.None)).Actor;

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
