using System.Text.Json.Nodes;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Proto;
using WaEngine.Integration.Tests.Messaging;
using WaEngine.Sandbox.Conversations;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Conversations;

/// <summary>
/// Send pacing's typing before a text, against an unmodified Baileys 7 through the strict sandbox: Baileys sees the
/// line composing, then the text; the server routed composing and paused at least the typing time apart (the
/// sandbox's clock). A line stopped while it types keeps the text queued with its due time, types again after the
/// restart and sends the text once.
/// </summary>
public sealed class PacedTypingTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Baileys_sees_typing_before_a_paced_text_and_a_restart_mid_typing_sends_the_text_once()
    {
        await using var world = await MessagingWorld.StartAsync();
        var bob = world.Bob;
        var hub = world.Sandbox.Runtime.Network.Presence;

        // 100 ms per character, at most 2 s: the 30-character text is typed for 2 s.
        var pacing = new SendPacing { TypingPerChar = TimeSpan.FromMilliseconds(100), TypingCap = TimeSpan.FromSeconds(2) };
        await world.Line.Messages.SetSendPacingAsync(pacing, None);
        const string Text = "typed first, then sent to you.";
        var sent = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text(Text), None);

        var composing = await bob.WaitAsync("presence", match: new JsonObject { ["jid"] = AliceJid, ["presence"] = "composing" });
        var atBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = sent.MsgId });
        Assert.True(composing["seq"]!.GetValue<long>() < atBob["seq"]!.GetValue<long>());
        Assert.Equal(Text, atBob["body"]!.GetValue<string>());
        var routed = ToBob(hub);
        Assert.Equal(["composing", "paused"], routed.Select(r => r.State));
        // The line holds paused back 2 s after composing left it; both share one socket, so the server may see composing a
        // little late on a loaded machine, never paused early: at the server they are 1.5 s apart at least.
        Assert.True(routed[1].At - routed[0].At >= TimeSpan.FromSeconds(1.5), $"typed from {routed[0].At:O} to {routed[1].At:O}");

        // A longer typing (4 s), stopped midway: the text waits queued with when it is due.
        await world.Line.Messages.SetSendPacingAsync(pacing with { TypingCap = TimeSpan.FromSeconds(4) }, None);
        var interrupted = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text(new string('z', 300)), None);
        await bob.WaitAsync("presence", after: atBob["seq"]!.GetValue<long>(), match: new JsonObject { ["jid"] = AliceJid, ["presence"] = "composing" });
        await world.Line.Actor.StopAsync(None);
        var waiting = await world.Line.Messages.FindAsync(interrupted.MsgId, None);
        Assert.Equal(MessageStatus.Queued, waiting!.Status);
        Assert.NotNull(waiting.ScheduledAt);

        // Started again: not before it was due, it types again and sends the text once, then what was queued after it.
        await world.Line.Actor.StartAsync(None);
        await world.Line.WaitForStatusAsync(LineStatus.Connected, skip: 1);
        var marker = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("after the restart"), None);
        var markerAtBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = marker.MsgId });
        var arrivals = (await bob.EventsAsync()).Where(e => e!["type"]?.GetValue<string>() == "message" && e["id"]?.GetValue<string>() == interrupted.MsgId).ToList();
        Assert.Single(arrivals);
        Assert.True(arrivals[0]!["seq"]!.GetValue<long>() < markerAtBob["seq"]!.GetValue<long>());
        Assert.Equal(["composing", "paused", "composing", "composing", "paused", "composing", "paused"], ToBob(hub).Select(r => r.State));
        world.AssertEveryStanzaWasAcked();
    }

    private static List<RoutedChatState> ToBob(PresenceHub hub) =>
        [.. hub.RoutedChatStates.Where(r => r.FromPhone == AlicePhone && r.ToPhone == BobPhone)];
}
