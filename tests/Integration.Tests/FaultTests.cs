using WaEngine.Engine.Events;
using System.Net.Http.Json;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>Server-side faults injected through the sandbox control API, and what the line makes of them.</summary>
public sealed class FaultTests
{
    [Theory]
    [InlineData("drop", null, "reconnecting,connecting")]
    [InlineData("stream_error", "503", "reconnecting,connecting")]
    [InlineData("stream_error", "515", "connecting")]
    public async Task DropsAndRestartableStreamErrorsEndBackInConnected(string kind, string? code, string between)
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "fault", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, line, "15550008001");
        var me = (await line.Credentials.LoadAsync(CancellationToken.None))!.Me!;

        await InjectAsync(sandbox, me, kind, code);

        await line.WaitForStatusAsync(LineStatus.Connected, skip: 1);
        Assert.Equal(["connected", .. between.Split(','), "connected"], line.Statuses.Skip(3));
    }

    [Fact]
    public async Task AConflictFaultStopsTheLine()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "conflict", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, line, "15550008002");

        await InjectAsync(sandbox, (await line.Credentials.LoadAsync(CancellationToken.None))!.Me!, "stream_error", "conflict");

        Assert.Equal("replaced", (await line.WaitForStatusAsync(LineStatus.Failed)).Change.Reason);
        await Task.Delay(500);
        Assert.Equal(LineStatus.Failed, line.Actor.Status);
        Assert.NotNull(await line.Credentials.LoadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task UnlinkFromThePhoneEndsInLoggedOutWithCredentialsWiped()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "unlink", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, line, "15550008003");
        var me = Jid.Parse((await line.Credentials.LoadAsync(CancellationToken.None))!.Me!);

        var response = await sandbox.Http.DeleteAsync($"/sandbox/accounts/{me.User}/devices/{me.Device}");
        response.EnsureSuccessStatusCode();

        Assert.Equal("device_removed", (await line.WaitForStatusAsync(LineStatus.LoggedOut)).Change.Reason);
        Assert.Null(await line.Credentials.LoadAsync(CancellationToken.None));
        Assert.Equal(0, await line.Signal.PreKeys.CountPreKeysAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AConnectionSilentForLongerThanIntervalPlusSlackIsReplaced()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        var time = new ManualTimeProvider();
        await using var line = await TestLine.OpenAsync(folder.Path, "keepalive", TestLine.Options(url, root), time);
        await LifecycleTests.PairAsync(sandbox, line, "15550008004");

        time.Advance(TimeSpan.FromSeconds(25));
        await PairingTests.PollAsync(() => line.Actor.Health.LastKeepaliveAnswered is not null, "the first ping was answered");
        Assert.Equal(LineStatus.Connected, line.Actor.Status);

        // The server goes quiet without closing: pings get no answer, and nothing else arrives.
        var me = (await line.Credentials.LoadAsync(CancellationToken.None))!.Me!;
        await InjectAsync(sandbox, me, "mute", null, count: 1000);
        // Silence is certain by the third tick at the latest: a frame sent before the mute may still land (on real
        // time) and be stamped with the advanced clock.
        for (var tick = 0; tick < 3; tick++)
        {
            time.Advance(TimeSpan.FromSeconds(25));
        }

        var reconnecting = await line.WaitForStatusAsync(LineStatus.Reconnecting);
        Assert.Equal("keepalive_timeout", reconnecting.Change.Reason);
    }

    [Fact]
    public async Task AMessageTheServerSwallowsWithoutAnAckIsSentAgainOnANewConnection()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        var time = new ManualTimeProvider();
        var options = TestLine.Options(url, root) with { ServerAckTimeout = TimeSpan.FromSeconds(40) };
        await using var line = await TestLine.OpenAsync(folder.Path, "unacked", options, time);
        await LifecycleTests.PairAsync(sandbox, line, "15550008005");
        const string peerPhone = "15550008006";
        (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = peerPhone })).EnsureSuccessStatusCode();
        var peer = peerPhone + "@s.whatsapp.net";
        foreach (var text in new[] { "first", "second" })
        {
            var sent = await line.Actor.SendMessageAsync(peer, MessageBuilder.Text(text), CancellationToken.None);
            await line.WaitForMessageStatusAsync(sent.MsgId, MessageStatus.DeliveryAck);
        }

        // The server takes our next message and neither routes nor acks it, while it keeps answering pings.
        var me = (await line.Credentials.LoadAsync(CancellationToken.None))!.Me!;
        await InjectAsync(sandbox, me, "lose_message", null, count: 1);
        var lost = await line.Actor.SendMessageAsync(peer, MessageBuilder.Text("swallowed once"), CancellationToken.None);
        await line.WaitForMessageStatusAsync(lost.MsgId, MessageStatus.Sent);
        for (var tick = 1; tick <= 2; tick++)
        {
            var answered = line.Actor.Health.LastKeepaliveAnswered;
            time.Advance(TimeSpan.FromSeconds(25));
            if (tick == 1)
            {
                // The line is alive (the ping is answered): only the missing ack can tell it lost the message.
                await PairingTests.PollAsync(() => line.Actor.Health.LastKeepaliveAnswered != answered, "the ping was answered");
                Assert.Equal(LineStatus.Connected, line.Actor.Status);
            }
        }

        Assert.Equal(MessageStatus.Sent, (await line.Messages.FindAsync(lost.MsgId, CancellationToken.None))!.Status);
        var reconnecting = await line.WaitForStatusAsync(LineStatus.Reconnecting);
        Assert.Equal("ack_timeout", reconnecting.Change.Reason);
        // The backoff timer runs on the manual clock: move it on until the line is back.
        var back = line.WaitForStatusAsync(LineStatus.Connected, skip: 1, timeout: TimeSpan.FromSeconds(60));
        while (!back.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(back, Task.Delay(200));
        }

        await back;
        await line.WaitForMessageStatusAsync(lost.MsgId, MessageStatus.DeliveryAck, TimeSpan.FromSeconds(30));
        var inbox = await sandbox.GetJsonAsync($"/sandbox/accounts/{peerPhone}/messages");
        Assert.Single(inbox.AsArray(), m => m!["msg_id"]!.GetValue<string>() == lost.MsgId);
    }

    private static async Task InjectAsync(RunningSandbox sandbox, string deviceJid, string kind, string? code, int? count = null)
    {
        var response = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = deviceJid, kind, code, count });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
