using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Stanzas.Groups;
using WaEngine.Proto;
using WaEngine.TestKit;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// Groups between the engine, two unmodified Baileys 7 clients and a virtual phone through the strict sandbox (issue
/// #15): every member's message reaches every other member decrypted, the engine's reply and reaction reach Baileys,
/// the engine's edit and delete reach Baileys, a Baileys member that cannot decrypt gets the engine's resend, a member
/// the engine removed does not get its next message, and a group Baileys creates with the engine in it
/// reaches the engine's store and journal (its webhook).
/// </summary>
public sealed class EngineBaileysGroupTests
{
    private const string CarolPhone = "15550101003";
    private const string CarolJid = CarolPhone + "@s.whatsapp.net";
    private const string DavePhone = "15550101004";
    private const string DaveJid = DavePhone + "@s.whatsapp.net";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_engine_two_baileys_clients_and_a_phone_each_reach_every_other_member_and_a_removed_one_is_left_out()
    {
        await using var world = await MessagingWorld.StartAsync();
        var line = world.Line;
        var bob = world.Bob;
        (await world.Sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = CarolPhone, push_name = "Carol" })).EnsureSuccessStatusCode();
        (await world.Sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = DavePhone, push_name = "Dave" })).EnsureSuccessStatusCode();
        await using var carol = await BaileysPeer.StartPairedAsync(world.Sandbox, world.CaFile, CarolPhone);

        var (group, outcomes) = await line.Actor.Groups!.CreateAsync("Interop", [BobJid, CarolJid, DaveJid], None);
        Assert.All(outcomes, o => Assert.Equal("added", o.Status));
        await bob.WaitAsync("group-upsert", match: new JsonObject { ["id"] = group.Jid });
        await carol.WaitAsync("group-upsert", match: new JsonObject { ["id"] = group.Jid });

        // The engine → Baileys ×2 and the phone.
        var hello = await line.Actor.SendMessageAsync(group.Jid, MessageBuilder.Text("hello from the engine"), None);
        string? engineAsParticipant = null;
        foreach (var peer in new[] { bob, carol })
        {
            var got = await peer.WaitAsync("message", match: new JsonObject { ["id"] = hello.MsgId });
            engineAsParticipant = got["participant"]!.GetValue<string>();
            Assert.True(got["body"] is not null, got.ToJsonString());
            Assert.Equal(("hello from the engine", group.Jid), (got["body"]!.GetValue<string>(), got["remoteJid"]!.GetValue<string>()));
        }

        Assert.Equal("hello from the engine", (await InboxMessageAsync(world, DavePhone, hello.MsgId))["body"]!.GetValue<string>());

        // Typing to the group (issue #16): every Baileys member sees the engine composing in the group, as the same
        // participant its messages come from (the group is LID-addressed).
        await line.Actor.SendChatStateAsync(group.Jid, Engine.Stanzas.Presence.ChatState.Composing, None);
        foreach (var peer in new[] { bob, carol })
        {
            var typing = await peer.WaitAsync("presence", match: new JsonObject { ["jid"] = group.Jid, ["presence"] = "composing" });
            Assert.Equal(engineAsParticipant, typing["participant"]!.GetValue<string>());
        }

        // Each Baileys client → the engine, the other client and the phone.
        var fromBob = (await bob.SendTextAsync(group.Jid, "hi from bob"))["id"]!.GetValue<string>();
        var fromCarol = (await carol.SendTextAsync(group.Jid, "hi from carol"))["id"]!.GetValue<string>();
        var atLine = (await line.WaitForMessageAsync(fromBob)).Message;
        Assert.Equal((group.Jid, BobJid, "hi from bob"), (atLine.ChatJid, atLine.SenderPn, atLine.Body));
        var carolsAtLine = (await line.WaitForMessageAsync(fromCarol)).Message;
        Assert.Equal((group.Jid, CarolJid, "hi from carol"), (carolsAtLine.ChatJid, carolsAtLine.SenderPn, carolsAtLine.Body));
        Assert.Equal("hi from bob", (await carol.WaitAsync("message", match: new JsonObject { ["id"] = fromBob }))["body"]!.GetValue<string>());
        Assert.Equal("hi from carol", (await bob.WaitAsync("message", match: new JsonObject { ["id"] = fromCarol }))["body"]!.GetValue<string>());
        Assert.Equal("hi from bob", (await InboxMessageAsync(world, DavePhone, fromBob))["body"]!.GetValue<string>());

        // The phone → the engine and both clients.
        var sent = await world.Sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{DavePhone}/messages", new { to = group.Jid, text = "hi from dave's phone" });
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        var fromDave = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        var davesAtLine = (await line.WaitForMessageAsync(fromDave)).Message;
        Assert.Equal((group.Jid, DaveJid, "hi from dave's phone"), (davesAtLine.ChatJid, davesAtLine.SenderPn, davesAtLine.Body));
        Assert.Equal("hi from dave's phone", (await bob.WaitAsync("message", match: new JsonObject { ["id"] = fromDave }))["body"]!.GetValue<string>());
        Assert.Equal("hi from dave's phone", (await carol.WaitAsync("message", match: new JsonObject { ["id"] = fromDave }))["body"]!.GetValue<string>());

        // Read receipts to the group (issue #16): each goes to the group naming the author as participant; Bob's client
        // sees the engine read his message.
        Assert.Equal(3, await line.Actor.MarkReadAsync(group.Jid, null, None));
        long seen = 0;
        JsonNode read;
        do
        {
            read = await bob.WaitAsync("receipt", seen, match: new JsonObject { ["id"] = fromBob });
            seen = read["seq"]!.GetValue<long>();
        }
        while (read["receipt"]?["readTimestamp"] is null);
        Assert.Equal(engineAsParticipant, read["receipt"]!["userJid"]!.GetValue<string>());

        // A poll in the group (issue #16): Bob votes on the engine's poll in the group; the engine decrypts the option
        // names with Bob as the voter (the participant) and itself as the creator.
        var poll = await line.Actor.SendMessageAsync(group.Jid, Engine.Messaging.Kinds.ConversationBuilder.Poll("Lunch where?", ["Park", "Cafe", "Desk"], multiple: false), None);
        await bob.WaitAsync("message", match: new JsonObject { ["id"] = poll.MsgId });
        var bobsVote = (await bob.CallAsync(new JsonObject { ["op"] = "vote", ["jid"] = group.Jid, ["pollId"] = poll.MsgId, ["options"] = new JsonArray("Cafe") }))["id"]!.GetValue<string>();
        var voteAtLine = (await line.WaitForMessageAsync(bobsVote)).Message;
        Assert.Equal(("poll_vote", group.Jid, BobJid), (voteAtLine.Type, voteAtLine.ChatJid, voteAtLine.SenderPn));
        Assert.Null(voteAtLine.Error);
        Assert.Equal(["Cafe"], Engine.Messaging.Polls.PollVoteReader.SelectedOptionsOf(voteAtLine));

        // The engine's reply to Bob and its reaction reach Baileys pointing at Bob's message.
        var reply = await line.Actor.SendMessageAsync(group.Jid, MessageBuilder.Reply("welcome bob", atLine, AliceJid), None);
        var replyAtBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = reply.MsgId });
        Assert.Equal("welcome bob", replyAtBob["body"]!.GetValue<string>());
        Assert.Equal(fromBob, replyAtBob["message"]!["extendedTextMessage"]!["contextInfo"]!["stanzaId"]!.GetValue<string>());
        var reaction = await line.Actor.SendMessageAsync(group.Jid, MessageBuilder.Reaction(atLine, "🎉", DateTimeOffset.UtcNow), None);
        var reactionAtBob = await bob.WaitAsync("message", match: new JsonObject { ["id"] = reaction.MsgId });
        Assert.Equal("🎉", reactionAtBob["message"]!["reactionMessage"]!["text"]!.GetValue<string>());
        Assert.Equal(fromBob, reactionAtBob["message"]!["reactionMessage"]!["key"]!["id"]!.GetValue<string>());

        // The engine edits its first message and deletes its reply: both clients see the edit and the revoke.
        var edit = await line.Actor.SendMessageAsync(group.Jid, MessageBuilder.Edit(hello, "hello from the engine, edited", DateTimeOffset.UtcNow), None);
        var revoke = await line.Actor.SendMessageAsync(group.Jid, MessageBuilder.Revoke(reply), None);
        foreach (var peer in new[] { bob, carol })
        {
            var editAtPeer = await peer.WaitAsync("message", match: new JsonObject { ["id"] = edit.MsgId });
            Assert.Equal((int)Message.Types.ProtocolMessage.Types.Type.MessageEdit, editAtPeer["message"]!["protocolMessage"]!["type"]!.GetValue<int>());
            Assert.Equal((hello.MsgId, "hello from the engine, edited"), (editAtPeer["message"]!["protocolMessage"]!["key"]!["id"]!.GetValue<string>(), editAtPeer["body"]!.GetValue<string>()));
            var revokeAtPeer = await peer.WaitAsync("message", match: new JsonObject { ["id"] = revoke.MsgId });
            Assert.Equal((int)Message.Types.ProtocolMessage.Types.Type.Revoke, revokeAtPeer["message"]!["protocolMessage"]!["type"]?.GetValue<int>() ?? 0);
            Assert.Equal(reply.MsgId, revokeAtPeer["message"]!["protocolMessage"]!["key"]!["id"]!.GetValue<string>());
        }

        // Carol's client cannot decrypt the engine's next message (the sandbox corrupts it once): her retry receipt gets
        // the message again, pairwise with our sender key, for her device alone (R3's shape), and she reads it.
        var fault = await world.Sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = CarolPhone + ":1@s.whatsapp.net", kind = "corrupt_next" });
        Assert.True(fault.IsSuccessStatusCode, await fault.Content.ReadAsStringAsync());
        var healed = await line.Actor.SendMessageAsync(group.Jid, MessageBuilder.Text("survives a bad MAC"), None);
        Assert.Equal(group.Jid, (await carol.WaitAsync("message", match: new JsonObject { ["id"] = healed.MsgId, ["body"] = "survives a bad MAC" }, timeoutMs: 45_000))["remoteJid"]!.GetValue<string>());
        Assert.Equal("survives a bad MAC", (await bob.WaitAsync("message", match: new JsonObject { ["id"] = healed.MsgId }))["body"]!.GetValue<string>());
        Assert.Contains(world.Sandbox.Runtime.Network.Groups!.FanOuts, f => f.MsgId == healed.MsgId && f is { Retry: true, Stanzas: 1 });

        // The engine removes Carol; its next message reaches Bob and the phone under a new sender key, not Carol.
        var removed = await line.Actor.Groups.ChangeParticipantsAsync(group.Jid, "remove", [CarolJid], None);
        Assert.Equal("removed", Assert.Single(removed).Status);
        await bob.WaitAsync("group-participants", match: new JsonObject { ["id"] = group.Jid, ["action"] = "remove" });
        var after = await line.Actor.SendMessageAsync(group.Jid, MessageBuilder.Text("carol has left"), None);
        Assert.Equal("carol has left", (await bob.WaitAsync("message", match: new JsonObject { ["id"] = after.MsgId }))["body"]!.GetValue<string>());
        Assert.Equal("carol has left", (await InboxMessageAsync(world, DavePhone, after.MsgId))["body"]!.GetValue<string>());
        var (holders, rotate) = await line.Actor.Groups.Store.KeyHoldersAsync(group.Jid, None);
        Assert.False(rotate);
        Assert.DoesNotContain(holders, h => h.StartsWith(CarolPhone, StringComparison.Ordinal));

        // Carol's client, asked after Bob had it: the message never came (the server routed it only to members).
        await carol.WaitAsync("group-participants", match: new JsonObject { ["id"] = group.Jid, ["action"] = "remove" });
        Assert.DoesNotContain((await carol.EventsAsync()).Select(e => e!), e => e["type"]!.GetValue<string>() == "message" && e["id"]!.GetValue<string>() == after.MsgId);
        world.AssertEveryStanzaWasAcked();
    }

    [Fact]
    public async Task A_group_baileys_creates_with_the_engine_in_it_reaches_the_engines_store_and_journal()
    {
        await using var world = await MessagingWorld.StartAsync();
        var line = world.Line;
        var created = await world.Bob.CreateGroupAsync("Made by Baileys", AliceJid);
        var jid = created["metadata"]!["id"]!.GetValue<string>();

        var change = await line.WaitForAsync<GroupChanged>(e => e.Change is GroupChange.Created c && c.GroupJid == jid);
        Assert.Equal(BobJid, change.Change.By);
        var stored = Assert.Single(await line.Actor.Groups!.ListAsync(None), g => g.Jid == jid);
        Assert.Equal("Made by Baileys", stored.Subject);
        Assert.False(line.Actor.Groups.IsAdmin(stored));
        Assert.Contains(stored.Participants, p => p.PhoneNumber == BobJid && p.Admin == "superadmin");
        Assert.Contains(await line.Messages.ListChatsAsync(50, None), c => c.Jid == jid && c.IsGroup && c.Name == "Made by Baileys");

        // Baileys writes; the engine stores it under the group with Bob as the sender.
        var id = (await world.Bob.SendTextAsync(jid, "welcome, engine"))["id"]!.GetValue<string>();
        var received = (await line.WaitForMessageAsync(id)).Message;
        Assert.Equal((jid, BobJid, "welcome, engine"), (received.ChatJid, received.SenderJid, received.Body));
        world.AssertEveryStanzaWasAcked();
    }

    private static async Task<JsonNode> InboxMessageAsync(MessagingWorld world, string phone, string msgId)
    {
        // The phone decrypts as the sandbox routes; it raises no event to wait on, so its inbox is read until it holds the message.
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var inbox = (await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{phone}/messages")).AsArray();
            if (inbox.FirstOrDefault(m => m!["msg_id"]!.GetValue<string>() == msgId) is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{msgId} did not reach {phone}'s inbox within 30 s.");
    }
}
