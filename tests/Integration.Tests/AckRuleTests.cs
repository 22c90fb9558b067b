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
