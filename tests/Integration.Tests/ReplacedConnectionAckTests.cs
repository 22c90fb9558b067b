using System.Net.Http.Json;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>
/// A receipt's ack lost with its connection (SERVER-RULES R6): the line acks a receipt only on the connection it came
/// on, after the status it carries is stored, so an ack the server never heard is not sent again on the next
/// connection — the server, which still owes the receipt, sends it again at the next login, and the line stores nothing
/// twice and acks the new copy there. Nothing is lost, no ack is left owed, no status moves twice.
/// </summary>
public sealed class ReplacedConnectionAckTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task R6_a_read_receipt_whose_ack_the_server_never_heard_is_replayed_on_the_next_connection_and_acked_there_once()
    {
        using var folder = new TempFolder();
        var ackTimeout = TimeSpan.FromSeconds(3);
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"), tune: o => o with { AckTimeout = ackTimeout });
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "receipt-ack", TestLine.Options(url, root));
        const string owner = "15550008201";
        const string peerPhone = "15550008202";
        await LifecycleTests.PairAsync(sandbox, line, owner);
        await line.WaitForAsync<GroupsSynced>(timeout: Generous);
        await sandbox.CreateAccountAsync(peerPhone);
        var sent = await line.Actor.SendMessageAsync(peerPhone + "@s.whatsapp.net", MessageBuilder.Text("read me"), CancellationToken.None);
        await line.WaitForMessageStatusAsync(sent.MsgId, MessageStatus.DeliveryAck, Generous);
        await PairingTests.PollAsync(async () => await line.Messages.GetNctSaltAsync(CancellationToken.None) is not null, "the phone's history bootstrap stored", Generous);
        await QuietAsync(line);

        // The server will not hear the line's next stanza: the ack of the read receipt about to come.
        var device = (await line.Credentials.LoadAsync(CancellationToken.None))!.Me!;
        await FaultAsync(sandbox, new { device_jid = device, kind = "mute", count = 1 });
        var read = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{peerPhone}/receipts", new { msg_ids = new[] { sent.MsgId }, type = "read" });
        Assert.True(read.IsSuccessStatusCode, await read.Content.ReadAsStringAsync());
        await line.WaitForMessageStatusAsync(sent.MsgId, MessageStatus.Read, Generous);

        // The connection goes before the server's ack deadline: the receipt is still owed to the line.
        await FaultAsync(sandbox, new { device_jid = device, kind = "drop" });
        var dropped = await line.WaitForAsync<StatusChanged>(e => e.Change.To == LineStatus.Reconnecting, timeout: Generous);
        var back = await line.WaitForAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected && e.Change.At > dropped.Change.At, timeout: Generous);

        // The replay comes before anything new on the connection: once a new message is in, the receipt was handled.
        var message = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{peerPhone}/messages", new { to = owner, text = "after the replay" });
        Assert.True(message.IsSuccessStatusCode, await message.Content.ReadAsStringAsync());
        await line.WaitForAsync<MessageReceived>(e => e.Message.Body == "after the replay", timeout: Generous);

        // Past the server's ack deadline on the new connection: had the line left the replayed receipt unacked (or acked
        // it wrongly), the server would have ended the stream (R6).
        await Task.Delay(ackTimeout * 2);
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
        Assert.Equal(LineStatus.Connected, line.Actor.Status);
        Assert.DoesNotContain(line.Events.OfType<StatusChanged>(), e => e.Change.At > back.Change.At);
        Assert.Single(line.Events.OfType<MessageStatusChanged>(), e => e.MsgId == sent.MsgId && e.Status == MessageStatus.Read);
        Assert.Equal(MessageStatus.Read, (await line.Messages.FindAsync(sent.MsgId, CancellationToken.None))!.Status);
    }

    private static async Task FaultAsync(RunningSandbox sandbox, object body)
    {
        var response = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Until no frame has arrived for a second: what the login and the first message brought is all handled.</summary>
    private static async Task QuietAsync(TestLine line)
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
    }
}
