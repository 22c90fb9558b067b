using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Events;
using WaEngine.Engine.Session;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Integration.Tests;

/// <summary>
/// A hostile server (issue #18): stanzas of no known kind and a frame of 8 MiB are read, acked where R6 wants it and
/// ignored; a frame that is no binary node ends the connection (the line says why) and the line reconnects. A message
/// from the phone after each arrives once: nothing is lost, nothing breaks the server's rules.
/// </summary>
public sealed class HostileServerTests
{
    private const string Line = "15550072001";
    private const string Phone = "15550072002";

    [Fact]
    public async Task Unknown_kinds_and_an_oversized_frame_are_acked_and_ignored_a_malformed_frame_ends_the_connection_and_nothing_is_lost()
    {
        using var folder = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
        var (url, root) = await sandbox.InfoAsync();
        await using var line = await TestLine.OpenAsync(folder.Path, "hostile", TestLine.Options(url, root));
        await LifecycleTests.PairAsync(sandbox, line, Line);
        await sandbox.CreateAccountAsync(Phone);
        var device = (await line.Credentials.LoadAsync(CancellationToken.None))!.Me!;

        await FaultAsync(sandbox, device, "unknown_stanza");
        await line.WaitForMessageAsync(await PhoneSendAsync(sandbox, "after stanzas of no known kind"));
        await FaultAsync(sandbox, device, "oversized_frame");
        await line.WaitForMessageAsync(await PhoneSendAsync(sandbox, "after 8 MiB in one frame"));
        Assert.DoesNotContain(line.Events.OfType<StatusChanged>(), e => e.Change.To == LineStatus.Reconnecting);

        // Garbage where a node should be: the line ends the connection and reconnects; the message written behind the
        // garbage was never acked, so the server delivers it again on the new connection.
        await FaultAsync(sandbox, device, "malformed_node");
        var behind = await PhoneSendAsync(sandbox, "behind the garbage");
        var dropped = await line.WaitForStatusAsync(LineStatus.Reconnecting);
        Assert.Equal("connection_lost", dropped.Change.Reason);
        await line.WaitForStatusAsync(LineStatus.Connected, skip: 1);
        await line.WaitForMessageAsync(behind);
        var history = await line.Messages.HistoryAsync(Phone + "@s.whatsapp.net", 10, CancellationToken.None);
        Assert.Equal(3, history.Count);
        Assert.Single(history, m => m.MsgId == behind);

        // The unknown notification and the oversized one were acked (R6): a reply the phone receipts proves the server
        // has read everything the line sent before it.
        var reply = await line.Actor.SendMessageAsync(Phone + "@s.whatsapp.net", new WaEngine.Proto.Message { Conversation = "still here" }, CancellationToken.None);
        await line.WaitForMessageStatusAsync(reply.MsgId, WaEngine.Engine.Messaging.MessageStatus.DeliveryAck);
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
    }

    private static async Task FaultAsync(RunningSandbox sandbox, string device, string kind)
    {
        var response = await sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = device, kind });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> PhoneSendAsync(RunningSandbox sandbox, string text)
    {
        var response = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Phone}/messages", new { to = Line, text });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }
}
