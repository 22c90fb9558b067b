using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Messaging;
using WaEngine.Integration.Tests.Messaging;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Conversations;

/// <summary>
/// Read receipts from the engine to an unmodified Baileys 7 client through the strict sandbox (R13): the unread
/// messages of a chat read in one receipt to the address they came from, and <c>read-self</c> when the account's read
/// receipts are off — the referee fails the test on a read sent against the setting.
/// </summary>
public sealed class ReadReceiptTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task R13_reading_every_unread_message_of_a_lid_addressed_chat_turns_them_read_in_baileys()
    {
        await using var world = await MessagingWorld.StartAsync(bobAddressing: "lid");
        var line = world.Line;
        var bob = world.Bob;
        var first = (await bob.SendTextAsync(AliceJid, "one"))["id"]!.GetValue<string>();
        var second = (await bob.SendTextAsync(AliceJid, "two"))["id"]!.GetValue<string>();
        var stored = (await line.WaitForMessageAsync(first)).Message;
        await line.WaitForMessageAsync(second);
        Assert.Equal(BobJid, stored.ChatJid);
        Assert.EndsWith("@lid", stored.OriginJid, StringComparison.Ordinal);

        // Both receipts go back to Bob's LID, the address the messages came from (one receipt, the second id in its list).
        var targets = await line.Messages.FindReadTargetsAsync(BobJid, null, None);
        Assert.Equal([second, first], targets.Select(t => t.MsgId));
        Assert.All(targets, t => Assert.Equal(stored.OriginJid, t.To));
        Assert.Equal(2, await line.Actor.MarkReadAsync(BobJid, null, None));

        await bob.WaitAsync("update", match: new JsonObject { ["id"] = first, ["status"] = 4 });
        await bob.WaitAsync("update", match: new JsonObject { ["id"] = second, ["status"] = 4 });
        Assert.Equal(0, Assert.Single(await line.Messages.ListChatsAsync(10, None)).Unread);
        Assert.Equal(0, await line.Actor.MarkReadAsync(BobJid, null, None));
        world.AssertEveryStanzaWasAcked();
    }

    [Fact]
    public async Task R13_with_the_accounts_read_receipts_off_the_engine_sends_read_self_and_baileys_sees_no_blue_ticks()
    {
        await using var world = await MessagingWorld.StartAsync();
        var line = world.Line;
        var bob = world.Bob;
        (await world.Sandbox.Http.PutAsJsonAsync($"/sandbox/accounts/{AlicePhone}/privacy", new { readreceipts = "none" })).EnsureSuccessStatusCode();
        var id = (await bob.SendTextAsync(AliceJid, "did you read this?"))["id"]!.GetValue<string>();
        await line.WaitForMessageAsync(id);

        Assert.Equal(1, await line.Actor.MarkReadAsync(BobJid, [id], None));
        Assert.Equal(0, Assert.Single(await line.Messages.ListChatsAsync(10, None)).Unread);

        // Whatever the sandbox routed for that receipt reaches Bob before the message the line sends after it.
        var after = await line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("after the read"), None);
        await bob.WaitAsync("message", match: new JsonObject { ["id"] = after.MsgId });
        var events = await bob.EventsAsync();
        Assert.DoesNotContain(events, e => e!["type"]!.GetValue<string>() == "update" && e["id"]?.GetValue<string>() == id && e["status"]?.GetValue<int?>() == 4);
        Assert.DoesNotContain(events, e => e!["type"]!.GetValue<string>() == "raw-receipt" && e["id"]?.GetValue<string>() == id && e["receiptType"]?.GetValue<string?>() is "read" or "read-self");
        world.AssertEveryStanzaWasAcked();
    }
}
