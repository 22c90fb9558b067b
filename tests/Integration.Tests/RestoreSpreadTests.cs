using System.Threading.Channels;
using WaEngine.Api.Sessions;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Sandbox.Rules;
using WaEngine.Store;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>
/// R18 through the service's line owner against the strict sandbox: a restore starts the lines that were running one
/// pace gap apart (the gap on a manual clock, so the test never races the machine's speed), and the sandbox never sees
/// a burst of logins.
/// </summary>
public sealed class RestoreSpreadTests
{
    [Fact]
    public async Task R18_a_restore_starts_each_running_line_only_after_the_pace_gap_and_the_sandbox_sees_no_burst()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        var lines = Path.Combine(folder.Path, "lines");
        LineId[] ids = [new(1), new(2), new(3)];

        using (var databases = new LineDatabases(lines))
        await using (var owner = new LocalLineOwner(databases, () => TestLine.Options(url, root), TestLine.Logs))
        {
            for (var i = 0; i < ids.Length; i++)
            {
                await PairAsync(sandbox, (await owner.OpenAsync(ids[i], CancellationToken.None)).Actor, $"1555000720{i}");
            }
        }

        var clock = new WatchedClock();
        using (var databases = new LineDatabases(lines))
        await using (var owner = new LocalLineOwner(databases, () => TestLine.Options(url, root), TestLine.Logs, pace: new RestorePace(1, clock, () => 0)))
        {
            var actors = new List<LineActor>();
            foreach (var id in ids)
            {
                actors.Add((await owner.OpenAsync(id, CancellationToken.None)).Actor);
            }

            Assert.All(actors, a => Assert.Equal(LineStatus.Stopped, a.Status));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            // Pairing three lines back to back may itself pass the login pace (registration and the 515 login each);
            // what counts is that the restore adds no breach. The sandbox counts logins per second of real time, so the
            // pairing's logins are let out of its window first.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var pairingBreaches = sandbox.Runtime.Rules.BreachCount(ServerRule.R18);
            var restore = owner.RestoreAsync(ids, CancellationToken.None);

            // The first line starts at once; the restore then waits one gap (1 s at 1 login per second) on the clock.
            Assert.Equal(TimeSpan.FromSeconds(1), await clock.Waits.Reader.ReadAsync(timeout.Token));
            Assert.NotEqual(LineStatus.Stopped, actors[0].Status);
            Assert.Equal(LineStatus.Stopped, actors[1].Status);
            clock.Advance(TimeSpan.FromMilliseconds(999));
            Assert.False(restore.IsCompleted);
            Assert.Equal(LineStatus.Stopped, actors[1].Status);

            clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(TimeSpan.FromSeconds(1), await clock.Waits.Reader.ReadAsync(timeout.Token));
            Assert.NotEqual(LineStatus.Stopped, actors[1].Status);
            Assert.Equal(LineStatus.Stopped, actors[2].Status);

            // A line waiting for its turn takes sends into its durable queue (a stopped line would refuse them); they
            // go out once it is connected.
            Assert.True(actors[2].StartExpected);
            Assert.False(actors[0].StartExpected);
            var queued = await actors[2].SendMessageAsync("15550007201@s.whatsapp.net", new WaEngine.Proto.Message { Conversation = "sent while the restore waited" }, null, timeout.Token);
            Assert.Equal(WaEngine.Engine.Messaging.MessageStatus.Queued, queued.Status);

            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(3, await restore.WaitAsync(timeout.Token));
            foreach (var actor in actors)
            {
                await ConnectedAsync(actor, timeout.Token);
            }

            while ((await actors[2].Messages.FindAsync(queued.MsgId, timeout.Token))!.Status is not (WaEngine.Engine.Messaging.MessageStatus.ServerAck or WaEngine.Engine.Messaging.MessageStatus.DeliveryAck or WaEngine.Engine.Messaging.MessageStatus.Read))
            {
                await Task.Delay(100, timeout.Token);
            }

            Assert.Equal(pairingBreaches, sandbox.Runtime.Rules.BreachCount(ServerRule.R18));
        }
    }

    private static async Task PairAsync(RunningSandbox sandbox, LineActor actor, string phone)
    {
        await sandbox.CreateAccountAsync(phone);
        using var events = actor.Subscribe();
        await actor.StartAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        QrCodeIssued? qr = null;
        while (qr is null)
        {
            qr = await events.Reader.ReadAsync(timeout.Token) as QrCodeIssued;
        }

        await sandbox.ScanAsync(phone, qr.Qr);
        await ConnectedAsync(actor, timeout.Token, events.Reader);
    }

    private static async Task ConnectedAsync(LineActor actor, CancellationToken cancellationToken, ChannelReader<LineEvent>? events = null)
    {
        if (events is null)
        {
            using var subscription = actor.Subscribe();
            await UntilConnectedAsync(actor, subscription.Reader, cancellationToken);
        }
        else
        {
            await UntilConnectedAsync(actor, events, cancellationToken);
        }
    }

    private static async Task UntilConnectedAsync(LineActor actor, ChannelReader<LineEvent> events, CancellationToken cancellationToken)
    {
        while (actor.Status != LineStatus.Connected)
        {
            await events.ReadAsync(cancellationToken);
        }
    }
}
