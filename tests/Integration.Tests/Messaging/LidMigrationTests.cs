using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Messaging;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// SERVER-RULES R1, the account side: WhatsApp keeps an account's DMs on phone numbers until it migrates the account to
/// LIDs, refuses a DM by LID from an unmigrated account with ack 400 (whatsapp-rust #941/#943), and tells the account's
/// companions of a migration through its phone (<c>LID_MIGRATION_MAPPING_SYNC</c>). The engine, unmodified Baileys 7 and
/// virtual phones talk through both states and across migrations in the middle of a conversation.
/// </summary>
public sealed class LidMigrationTests
{
    private const string CarolPhone = "15550101003";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task R1_the_engine_writes_by_phone_number_until_its_phone_migrates_the_account_then_by_lid_and_each_chat_stays_one()
    {
        await using var world = await MessagingWorld.StartAsync();
        var line = world.Line;
        var carol = await CreateCarolAsync(world);
        var aliceLid = (await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{AlicePhone}/lid-migration"))["lid"]!.GetValue<string>();

        // Not migrated: the engine knows Carol's LID (usync) but writes by phone number, and she answers by phone number.
        var before = await line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Text("before the migration"), None);
        await line.WaitForMessageStatusAsync(before.MsgId, MessageStatus.DeliveryAck);
        Assert.Equal(carol.Lid, await line.Messages.FindLidForPnAsync(carol.Jid, None));
        Assert.StartsWith(AlicePhone + ":", await FromAtCarolAsync(world, before.MsgId), StringComparison.Ordinal);
        var (byPn, byLid) = await DmsAsync(world, AlicePhone);
        Assert.True(byPn >= 1 && byLid == 0, $"{byPn} DMs by number, {byLid} by LID");
        var carolFirst = await PhoneSendsAsync(world, CarolPhone, AliceJid, "answer by number");
        Assert.Equal(carol.Jid, (await line.WaitForMessageAsync(carolFirst)).Message.ChatJid);

        // Our phone migrates the account mid-conversation and tells the line, which writes by LID from then on.
        var migrated = await MigrateAsync(world, AlicePhone);
        Assert.Equal("lid", migrated["addressing"]!.GetValue<string>());
        Assert.True(migrated["mappings"]!.GetValue<int>() >= 2, migrated.ToJsonString());
        await PollAsync(() => line.Messages.GetLidMigratedAtAsync(None), at => at is not null);
        var (byPnAtMigration, _) = await DmsAsync(world, AlicePhone);
        var after = await line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Text("after the migration"), None);
        await line.WaitForMessageStatusAsync(after.MsgId, MessageStatus.DeliveryAck);
        var from = await FromAtCarolAsync(world, after.MsgId);
        Assert.StartsWith(aliceLid.Split('@')[0] + ":", from, StringComparison.Ordinal);
        Assert.EndsWith("@lid", from, StringComparison.Ordinal);

        // Baileys (Bob, not migrated) gets the LID-addressed DM too, and its answer by number lands in the same chat.
        var toBob = await line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("to bob by lid"), None);
        await world.Bob.WaitAsync("message", match: new JsonObject { ["id"] = toBob.MsgId, ["body"] = "to bob by lid" });
        var fromBob = (await world.Bob.SendTextAsync(AliceJid, "bob answers"))["id"]!.GetValue<string>();
        Assert.Equal(BobJid, (await line.WaitForMessageAsync(fromBob)).Message.ChatJid);

        // Carol's account migrates too: her next message comes from her LID, still in her one chat, and the reply reaches her.
        await MigrateAsync(world, CarolPhone);
        var carolByLid = await PhoneSendsAsync(world, CarolPhone, AliceJid, "now from my lid");
        var received = (await line.WaitForMessageAsync(carolByLid)).Message;
        Assert.Equal(carol.Jid, received.ChatJid);
        Assert.Equal(carol.Lid, received.OriginJid);
        Assert.Equal(carol.Jid, received.SenderPn);
        var reply = await line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Reply("got it", received, AliceJid), None);
        await line.WaitForMessageStatusAsync(reply.MsgId, MessageStatus.DeliveryAck);

        var history = await line.Messages.HistoryAsync(carol.Jid, 50, None);
        Assert.Equal(
            new[] { before.MsgId, carolFirst, after.MsgId, carolByLid, reply.MsgId }.Order(StringComparer.Ordinal),
            history.Select(m => m.MsgId).Order(StringComparer.Ordinal));
        var chats = (await line.Messages.ListChatsAsync(10, None)).Select(c => c.Jid).ToList();
        Assert.Single(chats, c => c == carol.Jid);
        Assert.Single(chats, c => c == BobJid);
        Assert.DoesNotContain(chats, c => c.EndsWith("@lid", StringComparison.Ordinal));
        // What the server saw the line write: nothing more by number after the migration, three DMs by LID.
        var (byPnAtEnd, byLidAtEnd) = await DmsAsync(world, AlicePhone);
        Assert.Equal(byPnAtMigration, byPnAtEnd);
        Assert.True(byLidAtEnd >= 3, $"{byLidAtEnd} DMs by LID");
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
    }

    [Fact]
    public async Task R1_a_line_linked_to_an_account_migrated_from_the_start_learns_it_from_history_sync_and_writes_by_lid()
    {
        await using var world = await MessagingWorld.StartAsync(aliceAddressing: "lid");
        var line = world.Line;

        // The phone's history bootstrap carries the migration time (globalSettings.chatDbLidMigrationTimestamp).
        await PollAsync(() => line.Messages.GetLidMigratedAtAsync(None), at => at is not null);
        var sent = await line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("by lid from the start"), None);
        var atBob = await world.Bob.WaitAsync("message", match: new JsonObject { ["id"] = sent.MsgId, ["body"] = "by lid from the start" });
        Assert.EndsWith("@lid", atBob["remoteJid"]!.GetValue<string>(), StringComparison.Ordinal);
        var fromBob = (await world.Bob.SendTextAsync(AliceJid, "back by number"))["id"]!.GetValue<string>();
        Assert.Equal(BobJid, (await line.WaitForMessageAsync(fromBob)).Message.ChatJid);
        Assert.Equal(BobJid, (await line.Messages.FindAsync(sent.MsgId, None))!.ChatJid);

        var (byPn, byLid) = await DmsAsync(world, AlicePhone);
        Assert.True(byPn == 0 && byLid >= 1, $"{byPn} DMs by number, {byLid} by LID");
    }

    [Fact]
    public async Task R1_baileys_dm_by_lid_is_refused_with_400_until_its_account_migrates_then_passes_both_ways()
    {
        await using var world = await MessagingWorld.StartAsync();
        var carol = await CreateCarolAsync(world);

        // Baileys writes by whatever JID its application gives: by LID from an unmigrated account, WhatsApp refuses it.
        var early = (await world.Bob.SendTextAsync(carol.Lid, "by lid too early"))["id"]!.GetValue<string>();
        await world.Bob.WaitAsync("raw-ack", match: new JsonObject { ["id"] = early, ["ackError"] = "400" });
        Assert.Equal(1, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
        world.ExpectedBreaches.Add("R1");
        var byNumber = (await world.Bob.SendTextAsync(carol.Jid, "by number"))["id"]!.GetValue<string>();
        Assert.Null((await world.Bob.WaitAsync("raw-ack", match: new JsonObject { ["id"] = byNumber }))["ackError"]);

        // Bob's account migrates (Baileys gets the mapping sync): the same LID DM goes through and reaches Carol's phone.
        await MigrateAsync(world, BobPhone);
        var byLid = (await world.Bob.SendTextAsync(carol.Lid, "by lid now"))["id"]!.GetValue<string>();
        Assert.Null((await world.Bob.WaitAsync("raw-ack", match: new JsonObject { ["id"] = byLid }))["ackError"]);
        Assert.EndsWith("@lid", await FromAtCarolAsync(world, byLid), StringComparison.Ordinal);

        // Carol migrates too: her message reaches Baileys from her LID (its session carried over), and its answer to that LID arrives.
        await MigrateAsync(world, CarolPhone);
        var fromCarol = await PhoneSendsAsync(world, CarolPhone, BobJid, "from carol's lid");
        var atBob = await world.Bob.WaitAsync("message", match: new JsonObject { ["id"] = fromCarol, ["body"] = "from carol's lid" });
        var carolAtBob = atBob["remoteJid"]!.GetValue<string>();
        Assert.EndsWith("@lid", carolAtBob, StringComparison.Ordinal);
        var answer = (await world.Bob.SendTextAsync(carolAtBob, "answer to your lid"))["id"]!.GetValue<string>();
        Assert.Null((await world.Bob.WaitAsync("raw-ack", match: new JsonObject { ["id"] = answer }))["ackError"]);
        Assert.Contains(answer, (await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/messages")).AsArray().Select(m => m!["msg_id"]!.GetValue<string>()));
        Assert.Equal(1, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
    }

    private static async Task<(string Jid, string Lid)> CreateCarolAsync(MessagingWorld world)
    {
        var created = await (await world.Sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = CarolPhone, push_name = "Carol" })).Content.ReadFromJsonAsync<JsonNode>();
        return (created!["jid"]!.GetValue<string>(), created["lid"]!.GetValue<string>());
    }

    private static async Task<JsonNode> MigrateAsync(MessagingWorld world, string phone)
    {
        var response = await world.Sandbox.Http.PostAsync($"/sandbox/accounts/{phone}/lid-migration", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
    }

    private static async Task<string> PhoneSendsAsync(MessagingWorld world, string phone, string to, string text)
    {
        var posted = await world.Sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{phone}/messages", new { to, text });
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        return (await posted.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
    }

    /// <summary>How many DMs the account's devices wrote by phone number and by LID, as the sandbox let them through.</summary>
    private static async Task<(long ByPn, long ByLid)> DmsAsync(MessagingWorld world, string phone)
    {
        var dms = (await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{phone}/lid-migration"))["dms"]!;
        return (dms["by_pn"]!.GetValue<long>(), dms["by_lid"]!.GetValue<long>());
    }

    /// <summary>The device a message reached Carol's phone from (the server routed it before it acked the sender).</summary>
    private static async Task<string> FromAtCarolAsync(MessagingWorld world, string msgId)
    {
        var atCarol = await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/messages");
        return Assert.Single(atCarol.AsArray(), m => m!["msg_id"]!.GetValue<string>() == msgId)!["from"]!.GetValue<string>();
    }

    /// <summary>Reads until <paramref name="done"/> holds (state with no event to wait on), for at most 45 s.</summary>
    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still {value} after 45 s");
            await Task.Delay(100);
        }
    }
}
