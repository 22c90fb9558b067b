using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>Logout, untrusted servers, drops, conflicts and commands in the wrong state.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task LogoutFromTheEngineTellsTheServerAndWipesCredentialsAndKeys()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "logout", TestLine.Options(url, root));
        await PairAsync(sandbox, line, "15550003333");
        var me = (await line.Credentials.LoadAsync(CancellationToken.None))!.Me!;
        await PairingTests.PollAsync(() => PairingTests.SandboxPreKeyCount(sandbox, me) >= 50, "prekeys uploaded");

        await line.Actor.LogoutAsync(CancellationToken.None);

        Assert.Equal(LineStatus.LoggedOut, line.Actor.Status);
        Assert.Equal("logout", (await line.WaitForStatusAsync(LineStatus.LoggedOut)).Change.Reason);
        Assert.Null(await line.Credentials.LoadAsync(CancellationToken.None));
        Assert.Equal(0, await line.Signal.PreKeys.CountPreKeysAsync(CancellationToken.None));
        Assert.Null(await line.Signal.Identities.GetLocalIdentityAsync(CancellationToken.None));
        Assert.False(await line.Credentials.GetDesiredRunningAsync(CancellationToken.None));
        Assert.False(line.Actor.Health.SocketConnected);
    }

    [Fact]
    public async Task AServerWhoseCertificateChainIsSignedByAnotherRootIsRefused()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, _) = await sandbox.InfoAsync();
        var otherRoot = Engine.Crypto.Curve25519.GenerateKeyPair().PublicKey;
        await using var line = await TestLine.OpenAsync(folder.Path, "untrusted", TestLine.Options(url, otherRoot));

        await line.Actor.StartAsync(CancellationToken.None);
        var failed = await line.WaitForStatusAsync(LineStatus.Failed);

        Assert.StartsWith("server_not_trusted", failed.Change.Reason, StringComparison.Ordinal);
        Assert.Empty(line.Events.OfType<QrCodeIssued>());
        Assert.Equal(["starting", "failed"], line.Statuses);
    }

    [Fact]
    public async Task ASandboxRestartOnTheSamePortIsSurvived()
    {
        using var folder = new TempFolder();
        var sandboxFolder = Path.Combine(folder.Path, "sandbox");
        var port = RunningSandbox.FreePort();
        var sandbox = await RunningSandbox.StartAsync(sandboxFolder, port);
        try
        {
            var (url, root) = await sandbox.InfoAsync();
            await using var line = await TestLine.OpenAsync(folder.Path, "drop", TestLine.Options(url, root));
            await PairAsync(sandbox, line, "15550004444");

            await sandbox.DisposeAsync();
            await line.WaitForStatusAsync(LineStatus.Reconnecting);
            sandbox = await RunningSandbox.StartAsync(sandboxFolder, port);

            // A restarted sandbox reloads its accounts before it answers; on a loaded 2-core machine that, the backoff
            // and the login after it have taken longer than the default 20 s wait, so this one waits longer.
            await line.WaitForStatusAsync(LineStatus.Connected, skip: 1, timeout: TimeSpan.FromSeconds(90));
            Assert.True(line.Actor.Health.ReconnectCount >= 1);
            Assert.Equal(["connected", "reconnecting"], line.Statuses.Skip(3).Take(2));
            Assert.Equal("connected", line.Statuses[^1]);
        }
        finally
        {
            await sandbox.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnotherConnectionOfTheSameDeviceEndsThisOneWithConflictAndNoReconnect()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "first", TestLine.Options(url, root));
        await PairAsync(sandbox, line, "15550005555");

        var copy = new InMemoryCredentialStore();
        await copy.SaveAsync((await line.Credentials.LoadAsync(CancellationToken.None))!, CancellationToken.None);
        using var twinDatabase = await WaEngine.Store.LineDatabase.OpenAsync(Path.Combine(folder.Path, "twin.db"), CancellationToken.None);
        await using var twin = new LineActor(TestLine.IdOf("twin"), TestLine.Options(url, root), copy, new InMemorySignalStore(), new WaEngine.Store.Messages.SqliteMessageStore(twinDatabase),
            new WaEngine.Store.Journal.SqliteStatusJournal(twinDatabase), Microsoft.Extensions.Logging.Abstractions.NullLogger<LineActor>.Instance);
        await twin.StartAsync(CancellationToken.None);

        var failed = await line.WaitForStatusAsync(LineStatus.Failed);
        Assert.Equal("replaced", failed.Change.Reason);
        await Task.Delay(500);
        Assert.Equal(LineStatus.Failed, line.Actor.Status);
        Assert.Equal(LineStatus.Connected, twin.Status);
    }

    [Fact]
    public async Task CommandsInTheWrongStateFailWithAClearError()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "wrong", TestLine.Options(url, root));

        var stop = await Assert.ThrowsAsync<InvalidTransitionException>(() => line.Actor.StopAsync(CancellationToken.None));
        Assert.Contains("stopped", stop.Message, StringComparison.Ordinal);
        var logout = await Assert.ThrowsAsync<LineException>(() => line.Actor.LogoutAsync(CancellationToken.None));
        Assert.Equal(LineErrorKind.WrongState, logout.Kind);

        await PairAsync(sandbox, line, "15550006666");
        await Assert.ThrowsAsync<InvalidTransitionException>(() => line.Actor.StartAsync(CancellationToken.None));
        var code = await Assert.ThrowsAsync<LineException>(() => line.Actor.RequestPairingCodeAsync("15550006666", CancellationToken.None));
        Assert.Equal(LineErrorKind.WrongState, code.Kind);

        await line.Actor.StopAsync(CancellationToken.None);
        Assert.Equal(LineStatus.Stopped, line.Actor.Status);
        Assert.False(line.Actor.Health.SocketConnected);
        await line.Actor.RestartAsync(CancellationToken.None);
        await line.WaitForStatusAsync(LineStatus.Connected, skip: 1);
    }

    internal static async Task PairAsync(RunningSandbox sandbox, TestLine line, string phone)
    {
        await sandbox.CreateAccountAsync(phone);
        await line.Actor.StartAsync(CancellationToken.None);
        var qr = await line.WaitForAsync<QrCodeIssued>();
        await sandbox.ScanAsync(phone, qr.Qr);
        await line.WaitForStatusAsync(LineStatus.Connected);
    }
}
