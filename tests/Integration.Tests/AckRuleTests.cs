using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>
/// The engine against the strict sandbox on the acknowledging and receipt rules: R6 (everything acked, calls too; the
/// ack stream error survived), R13 (inactive delivery receipts) and the calls a phone places to the line.
/// </summary>
public sealed class AckRuleTests
{
    private const string Line = "15550071001";
    private const string Caller = "15550071002";

    [Fact]
    public async Task R6_R13_messages_and_calls_are_acked_as_the_server_wants_and_a_call_reaches_the_line_once()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "acks", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, line, Line);
        await sandbox.CreateAccountAsync(Caller);

        var callId = await RingAsync(sandbox, video: true);
        var call = await line.WaitForAsync<CallReceived>(e => e.Call.CallId == callId);
        Assert.True(call.Call.Video);
        Assert.Equal(Caller + "@s.whatsapp.net", call.Call.From.ToString());

        // A message after the call: by the time it is stored, the offer and the terminate were handled and acked.
        var msgId = await PhoneSendAsync(sandbox, "after the call");
        Assert.Equal("after the call", (await line.WaitForMessageAsync(msgId)).Message.Body);

        // Restart the line: nothing was left unacked, so nothing is replayed, and the call is still one call.
        await line.Actor.StopAsync(CancellationToken.None);
        await line.Actor.StartAsync(CancellationToken.None);
        await line.WaitForStatusAsync(LineStatus.Connected, skip: 1);
        var second = await PhoneSendAsync(sandbox, "still here");
        await line.WaitForMessageAsync(second);
        Assert.Single(line.Events.OfType<CallReceived>());

        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R13));
    }

    [Fact]
    public async Task R6_the_ack_stream_error_is_survived_the_line_reconnects_and_the_replayed_call_is_not_a_second_call()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"), tune: o => o with { AckTimeout = TimeSpan.FromSeconds(3) });
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "ack-error", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, line, Line);

        // The first login's own traffic must be over before the mute, or it takes that instead of the call's acks (the
        // group list query, seen in a loaded CI run): the group sync has answered, and the phone's history bootstrap was read.
        await line.WaitForAsync<GroupsSynced>();
        await PairingTests.PollAsync(async () => await line.Messages.GetNctSaltAsync(CancellationToken.None) is not null, "the phone's history bootstrap stored");
        await sandbox.CreateAccountAsync(Caller);
        var device = (await line.Credentials.LoadAsync(CancellationToken.None))!.Me!;

        // The server hears nothing of the line's next two stanzas (its acks of the offer and the terminate).
        var muted = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = device, kind = "mute", count = 2 });
        Assert.True(muted.IsSuccessStatusCode, await muted.Content.ReadAsStringAsync());
        var callId = await RingAsync(sandbox, video: false);
        await line.WaitForAsync<CallReceived>(e => e.Call.CallId == callId);

        var dropped = await line.WaitForStatusAsync(LineStatus.Reconnecting);
        Assert.Equal("stream_error_ack", dropped.Change.Reason);
        await line.WaitForStatusAsync(LineStatus.Connected, skip: 1);
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));

        // The offer came again at login and was acked this time; a later message proves it was handled.
        var msgId = await PhoneSendAsync(sandbox, "after the replay");
        await line.WaitForMessageAsync(msgId);
        Assert.Single(line.Events.OfType<CallReceived>());
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
    }

    [Fact]
    public async Task R15_R14_an_unavailable_message_is_asked_for_from_our_phone_and_stored_from_its_peer_resend()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "placeholder", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, line, Line);
        await sandbox.CreateAccountAsync(Caller);

        // The line gets only <unavailable>; its own phone has the message and resends it when asked.
        var response = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Caller}/messages", new { to = Line, text = "sent past the companion", unavailable = true });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var msgId = (await response.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();

        var received = (await line.WaitForMessageAsync(msgId)).Message;
        Assert.Equal("sent past the companion", received.Body);
        Assert.Equal(Caller + "@s.whatsapp.net", received.ChatJid);
        Assert.False(received.FromMe);
        Assert.Single(await line.Messages.HistoryAsync(Caller + "@s.whatsapp.net", 10, CancellationToken.None), m => m.MsgId == msgId);

        // The unavailable copy and the phone's peer message were acked, the peer message receipted peer_msg. The sandbox
        // reads a connection in order: once the phone has receipted a message the line sends after those, it has judged them.
        var reply = await line.Actor.SendMessageAsync(Caller + "@s.whatsapp.net", new WaEngine.Proto.Message { Conversation = "got it" }, CancellationToken.None);
        await line.WaitForMessageStatusAsync(reply.MsgId, WaEngine.Engine.Messaging.MessageStatus.DeliveryAck);
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R14));
    }

    private static async Task<string> RingAsync(RunningSandbox sandbox, bool video)
    {
        var response = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Caller}/calls", new { to = Line, video });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["call_id"]!.GetValue<string>();
    }

    private static async Task<string> PhoneSendAsync(RunningSandbox sandbox, string text)
    {
        var response = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Caller}/messages", new { to = Line, text });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }
}
