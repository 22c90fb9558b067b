using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using WaEngine.Engine.Events;
using WaEngine.Engine.Stanzas.Presence;
using WaEngine.Integration.Tests.Messaging;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Conversations;

/// <summary>
/// Presence and typing between the engine and an unmodified Baileys 7 client through the strict sandbox, both ways:
/// Baileys sees our presence and typing (its <c>presence.update</c>), and Baileys' presence and typing reach the line
/// and its journal (the <c>presence.update</c> webhook's source) once the line subscribed. After <c>available</c> the
/// line's delivery receipts are active (R13).
/// </summary>
public sealed class PresenceTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task R13_baileys_sees_the_lines_presence_and_typing_and_delivery_receipts_turn_active_after_available()
    {
        await using var world = await MessagingWorld.StartAsync();
        var line = world.Line;
        var bob = world.Bob;

        // Before available the line's delivery receipt is inactive.
        var early = (await bob.SendTextAsync(AliceJid, "are you there?"))["id"]!.GetValue<string>();
        var inactive = await CompanionReceiptAsync(bob, early);
        Assert.True("inactive" == inactive["receiptType"]?.GetValue<string>(), (await bob.EventsAsync()).ToJsonString());

        await bob.CallAsync(new JsonObject { ["op"] = "presence", ["type"] = "available", ["name"] = "Bob" });
        await bob.CallAsync(new JsonObject { ["op"] = "subscribe", ["jid"] = AliceJid });
        await bob.WaitAsync("presence", match: new JsonObject { ["jid"] = AliceJid, ["presence"] = "unavailable" });

        await line.Actor.SendPresenceAsync(true, None);
        var online = await bob.WaitAsync("presence", match: new JsonObject { ["jid"] = AliceJid, ["presence"] = "available" });
        await line.Actor.SendChatStateAsync(BobJid, ChatState.Composing, None);
        var typing = await bob.WaitAsync("presence", after: online["seq"]!.GetValue<long>(), match: new JsonObject { ["jid"] = AliceJid, ["presence"] = "composing" });
        await line.Actor.SendChatStateAsync(BobJid, ChatState.Recording, None);
        var recording = await bob.WaitAsync("presence", after: typing["seq"]!.GetValue<long>(), match: new JsonObject { ["jid"] = AliceJid, ["presence"] = "recording" });
        await line.Actor.SendChatStateAsync(BobJid, ChatState.Paused, None);
        await bob.WaitAsync("presence", after: recording["seq"]!.GetValue<long>(), match: new JsonObject { ["jid"] = AliceJid, ["presence"] = "available" });

        // Available now: the next delivery receipt is active (no type).
        var late = (await bob.SendTextAsync(AliceJid, "now?"))["id"]!.GetValue<string>();
        var active = await CompanionReceiptAsync(bob, late);
        Assert.Null(active["receiptType"]?.GetValue<string>());

        await line.Actor.SendPresenceAsync(false, None);
        var offline = await bob.WaitAsync("presence", after: recording["seq"]!.GetValue<long>(), match: new JsonObject { ["jid"] = AliceJid, ["presence"] = "unavailable" });
        Assert.NotNull(offline["lastSeen"]?.GetValue<long?>());
        world.AssertEveryStanzaWasAcked();
    }

    [Fact]
    public async Task Baileys_presence_and_typing_reach_the_line_and_its_journal_once_the_line_subscribed()
    {
        await using var world = await MessagingWorld.StartAsync();
        var line = world.Line;
        var bob = world.Bob;
        await bob.CallAsync(new JsonObject { ["op"] = "presence", ["type"] = "available", ["name"] = "Bob" });

        // Typing from a contact the line did not subscribe to is heard but not journalled.
        await bob.CallAsync(new JsonObject { ["op"] = "presence", ["type"] = "composing", ["jid"] = AliceJid });
        var unsubscribed = await line.WaitForAsync<PresenceUpdated>(e => e.Update.State == "composing");
        Assert.False(unsubscribed.Subscribed);
        Assert.Equal(BobJid, unsubscribed.Update.Jid);

        // WhatsApp sends presence only to a line that is itself available.
        await line.Actor.SendPresenceAsync(true, None);
        await line.Actor.SubscribePresenceAsync(BobJid, None);
        await line.WaitForAsync<PresenceUpdated>(e => e.Update.State == "available" && e.Subscribed);
        await bob.CallAsync(new JsonObject { ["op"] = "presence", ["type"] = "recording", ["jid"] = AliceJid });
        await line.WaitForAsync<PresenceUpdated>(e => e.Update.State == "recording" && e.Subscribed);
        await bob.CallAsync(new JsonObject { ["op"] = "presence", ["type"] = "unavailable", ["name"] = "Bob" });
        var gone = await line.WaitForAsync<PresenceUpdated>(e => e.Update.State == "unavailable" && e.Subscribed);
        Assert.NotNull(gone.Update.LastSeen);

        await using var connection = new SqliteConnection($"Data Source={line.DatabasePath};Mode=ReadOnly");
        var journal = (await connection.QueryAsync<(string Jid, string State)>(
            "SELECT chat_jid, status FROM line_events WHERE event = 'presence.update' ORDER BY seq;")).ToList();
        Assert.Equal([(BobJid, "available"), (BobJid, "recording"), (BobJid, "unavailable")], journal);
        world.AssertEveryStanzaWasAcked();
    }

    [Fact]
    public async Task A_presence_subscription_survives_a_restart_and_is_sent_again_on_the_new_connection()
    {
        await using var world = await MessagingWorld.StartAsync();
        var bob = world.Bob;
        await bob.CallAsync(new JsonObject { ["op"] = "presence", ["type"] = "available", ["name"] = "Bob" });
        await world.Line.Actor.SendPresenceAsync(true, None);
        await world.Line.Actor.SubscribePresenceAsync(BobJid, None);
        await world.Line.WaitForAsync<PresenceUpdated>(e => e.Update.Jid == BobJid && e.Update.State == "available" && e.Subscribed);

        // A new actor on the same database: nobody asks it to subscribe, yet Bob's presence reaches it as subscribed
        // (the sandbox, like WhatsApp, forgets a subscription with the connection that made it).
        await world.ReopenLineAsync();
        await world.Line.Actor.SendPresenceAsync(true, None);
        await world.Line.WaitForAsync<PresenceUpdated>(e => e.Update.Jid == BobJid && e.Update.State == "available" && e.Subscribed);
        await bob.CallAsync(new JsonObject { ["op"] = "presence", ["type"] = "unavailable", ["name"] = "Bob" });
        await world.Line.WaitForAsync<PresenceUpdated>(e => e.Update.Jid == BobJid && e.Update.State == "unavailable" && e.Subscribed);
        Assert.Contains(BobJid, await world.Line.Messages.PresenceSubscriptionsAsync(None));

        // Unsubscribed: forgotten in the store (so no later connection renews it), and what the server still sends on
        // this connection (it keeps a subscription until the connection ends) is heard but no longer journalled.
        var journalledBefore = await JournalledPresenceAsync(world.Line.DatabasePath);
        await world.Line.Actor.UnsubscribePresenceAsync(BobJid, None);
        Assert.DoesNotContain(BobJid, await world.Line.Messages.PresenceSubscriptionsAsync(None));
        await bob.CallAsync(new JsonObject { ["op"] = "presence", ["type"] = "available", ["name"] = "Bob" });
        await world.Line.WaitForAsync<PresenceUpdated>(e => e.Update.Jid == BobJid && e.Update.State == "available" && !e.Subscribed);
        Assert.Equal(journalledBefore, await JournalledPresenceAsync(world.Line.DatabasePath));
        await world.ReopenLineAsync();
        Assert.DoesNotContain(BobJid, await world.Line.Messages.PresenceSubscriptionsAsync(None));
        world.AssertEveryStanzaWasAcked();
    }

    private static async Task<long> JournalledPresenceAsync(string databasePath)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly");
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM line_events WHERE event = 'presence.update';");
    }

    /// <summary>The first receipt for <paramref name="id"/> from Alice's companion device (the line), not from her phone or Bob's own.</summary>
    private static async Task<JsonNode> CompanionReceiptAsync(WaEngine.TestKit.BaileysPeer bob, string id)
    {
        long after = 0;
        while (true)
        {
            var receipt = await bob.WaitAsync("raw-receipt", after, match: new JsonObject { ["id"] = id });
            if (receipt["from"]?.GetValue<string>() is { } from && from.StartsWith(AlicePhone + ":", StringComparison.Ordinal))
            {
                return receipt;
            }

            after = receipt["seq"]!.GetValue<long>();
        }
    }
}
