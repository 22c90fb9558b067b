using Microsoft.Data.Sqlite;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>Pairing by QR and by phone code against the in-process sandbox, then login with stored credentials.</summary>
public sealed class PairingTests
{
    [Fact]
    public async Task PairsByQrLogsInUploadsPreKeysAndLogsInAgainAfterRestart()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        await sandbox.CreateAccountAsync("15550001111");
        var (url, root) = await sandbox.InfoAsync();
        var lines = Path.Combine(folder.Path, "lines");
        var me = "";

        await using (var line = await TestLine.OpenAsync(lines, "qr", TestLine.Options(url, root)))
        {
            await line.Actor.StartAsync(CancellationToken.None);
            var qr = await line.WaitForAsync<QrCodeIssued>();
            Assert.StartsWith("https://wa.me/settings/linked_devices#", qr.Qr, StringComparison.Ordinal);
            Assert.EndsWith(",1", qr.Qr, StringComparison.Ordinal);
            Assert.Equal(TimeSpan.FromSeconds(60), qr.ExpiresAt - qr.At);

            await sandbox.ScanAsync("15550001111", qr.Qr);
            await line.WaitForStatusAsync(LineStatus.Connected);
            Assert.Equal(["starting", "scan_qr", "connecting", "connected"], line.Statuses);

            var credentials = await line.Credentials.LoadAsync(CancellationToken.None);
            Assert.NotNull(credentials);
            me = credentials!.Me!;
            Assert.StartsWith("15550001111:", credentials!.Me, StringComparison.Ordinal);
            Assert.EndsWith("@lid", credentials.Lid, StringComparison.Ordinal);
            Assert.Equal("android", credentials.Platform);
            Assert.NotNull(credentials.AccountIdentity);

            // Connected means reachable: the 812 prekeys are already on the server, less the one our phone took for its
            // history bootstrap (a pkmsg) before the upload was answered; the line drops it once it has decrypted that.
            Assert.Equal(811, SandboxPreKeyCount(sandbox, me));
            Assert.InRange(await line.Signal.PreKeys.CountPreKeysAsync(CancellationToken.None), 811, 812);
            var health = line.Actor.Health;
            Assert.True(health.SocketConnected);
            Assert.True(health.LoggedIn);
            Assert.NotNull(health.LastFrameReceived);
        }

        await using (var again = await TestLine.OpenAsync(lines, "qr", TestLine.Options(url, root)))
        {
            await again.Actor.StartAsync(CancellationToken.None);
            await again.WaitForStatusAsync(LineStatus.Connected);
            Assert.Equal(["starting", "connecting", "connected"], again.Statuses);
            Assert.Empty(again.Events.OfType<QrCodeIssued>());
            await Task.Delay(300);
            Assert.Equal(811, SandboxPreKeyCount(sandbox, me));
        }
    }

    [Fact]
    public async Task PairsByPhoneCode()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        await sandbox.CreateAccountAsync("15550002222");
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "code", TestLine.Options(url, root));

        await line.Actor.StartAsync(CancellationToken.None);
        var code = await line.Actor.RequestPairingCodeAsync("+1 555 000 2222", CancellationToken.None);
        Assert.Equal(8, code.Length);
        var issued = await line.WaitForAsync<PairingCodeIssued>();
        Assert.Equal(code, issued.Code);
        Assert.Equal(LineStatus.PairingCode, line.Actor.Status);

        await sandbox.EnterLinkCodeAsync("15550002222", code);
        await line.WaitForStatusAsync(LineStatus.Connected);
        Assert.Contains("pairing_code", line.Statuses);
        Assert.Equal(["connecting", "connected"], line.Statuses.TakeLast(2));
        var credentials = await line.Credentials.LoadAsync(CancellationToken.None);
        Assert.StartsWith("15550002222:", credentials!.Me, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QrCodesRotateOnTheClockAndEndWhenTheRefsRunOut()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        var time = new ManualTimeProvider();
        var options = TestLine.Options(url, root) with { KeepAliveInterval = TimeSpan.FromHours(1) };
        await using var line = await TestLine.OpenAsync(folder.Path, "rotation", options, time);

        await line.Actor.StartAsync(CancellationToken.None);
        var first = await line.WaitForAsync<QrCodeIssued>();
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(60), first.ExpiresAt);

        time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(100);
        Assert.Single(line.Events.OfType<QrCodeIssued>());

        time.Advance(TimeSpan.FromSeconds(1));
        var second = await line.WaitForAsync<QrCodeIssued>(skip: 1);
        Assert.NotEqual(first.Qr, second.Qr);
        Assert.Equal(TimeSpan.FromSeconds(20), second.ExpiresAt - second.At);

        for (var shown = 2; shown < 6; shown++)
        {
            time.Advance(TimeSpan.FromSeconds(20));
            await line.WaitForAsync<QrCodeIssued>(skip: shown);
        }

        time.Advance(TimeSpan.FromSeconds(20));
        var failed = await line.WaitForStatusAsync(LineStatus.Failed);
        Assert.Equal("qr_refs_ended", failed.Change.Reason);
        Assert.Equal(6, line.Events.OfType<QrCodeIssued>().Count());
        Assert.False(line.Actor.Health.SocketConnected);
    }

    internal static int SandboxPreKeyCount(RunningSandbox sandbox, string deviceJid)
    {
        var jid = Engine.Binary.Jid.Parse(deviceJid);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(sandbox.Runtime.Options.DataFolder, "sandbox.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM prekeys WHERE phone = $phone AND device_id = $device;";
        command.Parameters.AddWithValue("$phone", jid.User);
        command.Parameters.AddWithValue("$device", (int)(jid.Device ?? 0));
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static Task PollAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        PollAsync(() => Task.FromResult(condition()), what, timeout);

    internal static async Task PollAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(50);
        }
    }
}
