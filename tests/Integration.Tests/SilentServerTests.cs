using System.Net.Http.Json;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>
/// "Connected means alive" (issue #18): a server that goes silent without closing (the sandbox's <c>mute</c> with a
/// duration: nothing in, nothing out, the socket open) makes the line leave <c>connected</c> within two keepalive
/// intervals of its last frame, whatever the line was doing; while the silence lasts, a login the server accepts and
/// then ignores keeps the line <c>connecting</c> with the reason, backing off; once the server answers again it is
/// connected. The bounds are proven on a manual clock (the clock stops where the bound is, and the verdict must come);
/// the whole cycle on real time with short intervals.
/// </summary>
public sealed class SilentServerTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_server_silent_right_after_it_answered_a_ping_is_noticed_within_two_keepalive_intervals()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        var time = new ManualTimeProvider();
        var options = TestLine.Options(url, root);
        await using var line = await TestLine.OpenAsync(folder.Path, "silent-after-ping", options, time);
        await LifecycleTests.PairAsync(sandbox, line, "15550008101");
        await line.WaitForAsync<GroupsSynced>(timeout: Generous);

        // A ping goes out and is answered: the last frame before the silence.
        var answered = line.Actor.Health.LastKeepaliveAnswered;
        time.Advance(options.KeepAliveInterval);
        await PairingTests.PollAsync(() => line.Actor.Health.LastKeepaliveAnswered != answered, "the ping answered", Generous);
        await MuteAsync(sandbox, line, TimeSpan.FromMinutes(10));
        var last = await LastFrameSettledAsync(line);

        // The clock goes to two intervals after the last frame and stops there: the verdict must come by then.
        var bound = last + 2 * options.KeepAliveInterval;
        time.Advance(bound - time.GetUtcNow());
        var lost = await line.WaitForStatusAsync(LineStatus.Reconnecting, timeout: Generous);
        Assert.Equal("keepalive_timeout", lost.Change.Reason);
        Assert.InRange(lost.Change.At, last + options.KeepAliveInterval, bound);

        // Health says the same: the frame it last saw is the one before the silence, and it no longer claims a login.
        var health = line.Actor.Health;
        Assert.Equal(last, health.LastFrameReceived);
        Assert.False(health.LoggedIn);
        Assert.Equal(1, health.ReconnectsByReason!["keepalive_timeout"]);
    }

    [Fact]
    public async Task A_server_silent_during_a_send_burst_is_noticed_within_two_keepalive_intervals_though_frames_keep_going_out()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        var time = new ManualTimeProvider();
        var options = TestLine.Options(url, root);
        await using var line = await TestLine.OpenAsync(folder.Path, "silent-burst", options, time);
        await LifecycleTests.PairAsync(sandbox, line, "15550008102");
        await line.WaitForAsync<GroupsSynced>(timeout: Generous);
        const string peerPhone = "15550008103";
        await sandbox.CreateAccountAsync(peerPhone);
        var peer = peerPhone + "@s.whatsapp.net";

        // The peer's devices and session are known, so the burst needs nothing from the server to go out.
        var first = await line.Actor.SendMessageAsync(peer, MessageBuilder.Text("before the silence"), CancellationToken.None);
        await line.WaitForMessageStatusAsync(first.MsgId, MessageStatus.DeliveryAck, Generous);

        // What follows a first message (our privacy token for the contact) is answered before the silence: a send queue
        // waiting for an answer would write nothing.
        await LastFrameSettledAsync(line);
        await MuteAsync(sandbox, line, TimeSpan.FromMinutes(10));
        var last = await LastFrameSettledAsync(line);
        var sentBefore = line.Actor.Health.FramesSent;

        // Many callers at once: the mailbox fills while the messages are written to a server that no longer answers.
        var burst = Enumerable.Range(0, 600)
            .Select(i => line.Actor.SendMessageAsync(peer, MessageBuilder.Text($"burst {i}"), CancellationToken.None))
            .ToList();
        await line.WaitForAsync<MessageStatusChanged>(e => e.MsgId != first.MsgId && e.Status == MessageStatus.Sent, timeout: Generous);
        var bound = last + 2 * options.KeepAliveInterval;
        time.Advance(bound - time.GetUtcNow());

        var lost = await line.WaitForStatusAsync(LineStatus.Reconnecting, timeout: Generous);
        Assert.Equal("keepalive_timeout", lost.Change.Reason);
        Assert.InRange(lost.Change.At, last + options.KeepAliveInterval, bound);
        Assert.True(line.Actor.Health.FramesSent > sentBefore, "frames went out during the silence");
        Assert.Equal(last, line.Actor.Health.LastFrameReceived);

        // Nothing of the burst is lost: every message is in the durable queue, none failed.
        var queued = await Task.WhenAll(burst);
        foreach (var message in queued)
        {
            Assert.NotEqual(MessageStatus.Failed, (await line.Messages.FindAsync(message.MsgId, CancellationToken.None))!.Status);
        }
    }

    [Fact]
    public async Task A_muted_line_leaves_connected_stays_connecting_with_login_unanswered_while_the_mute_lasts_and_connects_when_it_ends()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();

        // Short intervals on real time, so the whole cycle runs in seconds; the after-login query gives up before the
        // keepalive would, so a login during the mute ends as login_unanswered.
        var options = TestLine.Options(url, root) with
        {
            KeepAliveInterval = TimeSpan.FromSeconds(3),
            KeepAliveSlack = TimeSpan.FromSeconds(2),
            IqTimeout = TimeSpan.FromSeconds(3),
            Reconnect = new ReconnectPolicy(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)),
        };
        await using var line = await TestLine.OpenAsync(folder.Path, "muted-cycle", options);
        await LifecycleTests.PairAsync(sandbox, line, "15550008104");
        await line.WaitForAsync<GroupsSynced>(timeout: Generous);
        var mute = TimeSpan.FromSeconds(30);
        var muted = DateTimeOffset.UtcNow;
        await MuteAsync(sandbox, line, mute);
        var ends = muted + mute;

        // Noticed by the keepalive; then a login the server accepts and ignores: connecting, with the reason, again and again.
        var lost = await line.WaitForAsync<StatusChanged>(e => e.Change.At >= muted && e.Change.From == LineStatus.Connected, timeout: Generous);
        Assert.Equal((LineStatus.Reconnecting, "keepalive_timeout"), (lost.Change.To, lost.Change.Reason));
        var unanswered = await line.WaitForAsync<StatusChanged>(e => e.Change.To == LineStatus.Reconnecting && e.Change.Reason == "login_unanswered", timeout: Generous);
        var retrying = await line.WaitForAsync<StatusChanged>(e => e.Change.To == LineStatus.Connecting && e.Change.At > unanswered.Change.At, timeout: Generous);
        Assert.Equal("login_unanswered", retrying.Change.Reason);

        // Once the server answers again the line is connected — and never was while the mute lasted.
        var back = await line.WaitForAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected && e.Change.At > lost.Change.At, timeout: Generous);
        Assert.True(back.Change.At >= ends, $"connected at {back.Change.At:O} while the server was silent until {ends:O}");
        Assert.Equal("logged_in", back.Change.Reason);

        // Between the two, the line only went between reconnecting and connecting, each connecting saying why.
        var between = line.Events.OfType<StatusChanged>().Select(e => e.Change).Where(c => c.At >= lost.Change.At && c.At < back.Change.At).ToList();
        Assert.All(between, c => Assert.Contains(c.To, new[] { LineStatus.Reconnecting, LineStatus.Connecting }));
        Assert.All(between.Where(c => c.To == LineStatus.Connecting), c => Assert.Contains(c.Reason, new[] { "keepalive_timeout", "login_unanswered" }));

        // And it works: a message from a phone arrives.
        const string phone = "15550008105";
        await sandbox.CreateAccountAsync(phone);
        var sent = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{phone}/messages", new { to = "15550008104", text = "are you back?" });
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        await line.WaitForAsync<MessageReceived>(e => e.Message.Body == "are you back?", timeout: Generous);
    }

    private static async Task MuteAsync(RunningSandbox sandbox, TestLine line, TimeSpan silence)
    {
        var device = (await line.Credentials.LoadAsync(CancellationToken.None))!.Me!;
        var response = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = device, kind = "mute", ms = (int)silence.TotalMilliseconds });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The line's last frame once no more arrive: a frame the server wrote just before the silence may still be on its
    /// way (real time), and would be stamped with the manual clock when it lands.
    /// </summary>
    private static async Task<DateTimeOffset> LastFrameSettledAsync(TestLine line)
    {
        var frames = line.Actor.Health.FramesReceived;
        var still = 0;
        while (still < 10)
        {
            await Task.Delay(100);
            var now = line.Actor.Health.FramesReceived;
            still = now == frames ? still + 1 : 0;
            frames = now;
        }

        return line.Actor.Health.LastFrameReceived!.Value;
    }
}
