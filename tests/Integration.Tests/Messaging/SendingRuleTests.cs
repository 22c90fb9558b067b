using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Signal;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// The sending rules R1, R2, R3, R4 and R16 end to end: the engine and unmodified Baileys 7.0.0-rc14 against the strict sandbox,
/// with virtual phones as the third party.
/// </summary>
public sealed class SendingRuleTests
{
    private const string CarolPhone = "15550101003";
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task R1_the_engine_writes_each_dm_in_one_namespace_and_the_strict_sandbox_delivers_every_one()
    {
        await using var world = await MessagingWorld.StartAsync();
        var carol = await CreateAccountAsync(world, "lid");

        // Bob (Baileys) and Carol (a LID-addressed phone): the engine knows both LIDs from usync and writes by LID.
        var toBob = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("one namespace"), None);
        await world.Bob.WaitAsync("message", match: new JsonObject { ["id"] = toBob.MsgId, ["body"] = "one namespace" });
        var toCarol = await world.Line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Text("one namespace too"), None);
        await world.Line.WaitForMessageStatusAsync(toCarol.MsgId, MessageStatus.DeliveryAck);

        // Baileys answers in its own (one) namespace.
        var fromBob = (await world.Bob.SendTextAsync(AliceJid, "and back"))["id"]!.GetValue<string>();
        await world.Line.WaitForMessageAsync(fromBob);

        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
        Assert.Equal(BobJid, (await world.Line.Messages.FindAsync(toBob.MsgId, None))!.ChatJid);
    }

    [Fact]
    public async Task R2_the_engine_reaches_a_stranger_with_its_cstoken_and_no_463()
    {
        await using var world = await MessagingWorld.StartAsync(requirePrivacyTokens: true);
        var carol = await CreateAccountAsync(world, "pn");

        // Our phone's history bootstrap gave the line the account's NCT salt, the one the server checks cstokens with.
        var salt = await PollAsync(() => world.Line.Messages.GetNctSaltAsync(None), s => s is { Length: > 0 });
        Assert.Equal(world.Sandbox.Runtime.Network.PrivacyTokens.SaltOf(AlicePhone), salt);

        var sent = await world.Line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Text("hello, stranger"), None);

        await world.Line.WaitForMessageStatusAsync(sent.MsgId, MessageStatus.DeliveryAck, TimeSpan.FromSeconds(45));
        var atCarol = await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/messages");
        Assert.Single(atCarol.AsArray(), m => m!["msg_id"]!.GetValue<string>() == sent.MsgId);
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2));

        // Our token is issued after the first message, once this bucket; the next message carries Carol's token.
        var token = await PollAsync(() => world.Line.Messages.GetPrivacyTokenAsync(carol.Lid, None), t => t?.IssuedAt is not null);
        Assert.NotNull(token!.Token);
        var next = await world.Line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Text("again"), None);
        await world.Line.WaitForMessageStatusAsync(next.MsgId, MessageStatus.DeliveryAck);
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
        Assert.Equal(token.IssuedAt, (await world.Line.Messages.GetPrivacyTokenAsync(carol.Lid, None))!.IssuedAt);
    }

    [Fact]
    public async Task R2_a_wrong_cstoken_is_refused_with_463_and_the_engine_gets_through_with_its_issued_token()
    {
        await using var world = await MessagingWorld.StartAsync(requirePrivacyTokens: true);
        var carol = await CreateAccountAsync(world, "pn");
        await PollAsync(() => world.Line.Messages.GetNctSaltAsync(None), s => s is { Length: > 0 });
        await world.Line.Messages.SaveNctSaltAsync(new byte[32], None);

        var sent = await world.Line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Text("hello with a wrong cstoken"), None);

        await world.Line.WaitForMessageStatusAsync(sent.MsgId, MessageStatus.DeliveryAck, TimeSpan.FromSeconds(45));
        Assert.Equal(1, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
        var token = await world.Line.Messages.GetPrivacyTokenAsync(carol.Lid, None);
        Assert.NotNull(token?.IssuedAt);
        Assert.NotNull(token!.Token);
    }

    [Fact]
    public async Task R2_a_second_463_fails_the_message_with_a_clear_error()
    {
        await using var world = await MessagingWorld.StartAsync();
        var armed = await world.Sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = AlicePhone + ":1@s.whatsapp.net", kind = "error_ack", code = 463, count = 2 });
        armed.EnsureSuccessStatusCode();

        var sent = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("refused twice"), None);

        var failed = await world.Line.WaitForMessageStatusAsync(sent.MsgId, MessageStatus.Failed, TimeSpan.FromSeconds(45));
        Assert.StartsWith("server error 463", failed.Error, StringComparison.Ordinal);
        Assert.Contains("sent once more; refused again", failed.Error, StringComparison.Ordinal);
        Assert.Empty(await world.Line.Messages.PendingOutboundAsync(None));
        Assert.NotNull((await world.Line.Messages.GetPrivacyTokenAsync((await world.Line.Messages.FindLidForPnAsync(BobJid, None))!, None))?.IssuedAt);

        var next = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("accepted"), None);
        await world.Line.WaitForMessageStatusAsync(next.MsgId, MessageStatus.DeliveryAck);
    }

    [Fact]
    public async Task R2_baileys_token_reaches_the_engine_by_notification_and_a_restart_issues_no_second_token()
    {
        await using var world = await MessagingWorld.StartAsync();

        // Baileys issues its token to Alice after its first message (AB prop 10518 on); the sandbox notifies the engine.
        var fromBob = (await world.Bob.SendTextAsync(AliceJid, "my token follows"))["id"]!.GetValue<string>();
        await world.Line.WaitForMessageAsync(fromBob);
        var bobLid = (await world.Line.Messages.FindLidForPnAsync(BobJid, None))!;
        var fromNotification = await PollAsync(() => world.Line.Messages.GetPrivacyTokenAsync(bobLid, None), t => t?.Token is not null);
        Assert.Null(fromNotification!.IssuedAt);

        // The engine answers with Bob's token attached and issues its own once; a restart does not issue it again.
        var reply = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("thanks"), None);
        await world.Bob.WaitAsync("message", match: new JsonObject { ["id"] = reply.MsgId });
        var issued = await PollAsync(() => world.Line.Messages.GetPrivacyTokenAsync(bobLid, None), t => t?.IssuedAt is not null);
        await world.ReopenLineAsync();
        var afterRestart = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("still here"), None);
        await world.Line.WaitForMessageStatusAsync(afterRestart.MsgId, MessageStatus.DeliveryAck);

        Assert.Equal(issued!.IssuedAt, (await world.Line.Messages.GetPrivacyTokenAsync(bobLid, None))!.IssuedAt);
        var breaches = world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2);
        Assert.True(breaches <= 1, $"R2 counted {breaches} times: only Baileys' first message to a stranger may be (a notice, not a refusal)");
    }

    [Fact]
    public async Task R2_a_virtual_phone_reaches_a_stranger_with_its_cstoken_and_baileys_answers_it()
    {
        await using var world = await MessagingWorld.StartAsync(requirePrivacyTokens: true);
        var carol = await CreateAccountAsync(world, "pn");

        var posted = await world.Sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{CarolPhone}/messages", new { to = BobJid, text = "hi bob, from a phone" });
        posted.EnsureSuccessStatusCode();
        var phoneMsgId = (await posted.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        await world.Bob.WaitAsync("message", match: new JsonObject { ["id"] = phoneMsgId, ["body"] = "hi bob, from a phone" });

        // In contact now: Baileys' answer needs no token.
        var answer = (await world.Bob.SendTextAsync(carol.Jid, "hi carol"))["id"]!.GetValue<string>();
        await PollAsync(() => world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/messages"), m => m.AsArray().Any(x => x!["msg_id"]!.GetValue<string>() == answer));
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
    }

    [Fact]
    public async Task R2_baileys_rc14_first_message_to_a_stranger_is_refused_when_tokens_are_required()
    {
        // Baileys 7.0.0-rc14 has tctokens but no cstoken: WhatsApp refuses its first message to a new contact with 463
        // (WhiskeySockets/Baileys#2446). Sandbox:RequirePrivacyTokens models that; it is off by default.
        await using var world = await MessagingWorld.StartAsync(requirePrivacyTokens: true);
        var carol = await CreateAccountAsync(world, "pn");

        var id = (await world.Bob.SendTextAsync(carol.Jid, "hello?"))["id"]!.GetValue<string>();

        // The 463 is counted as an R2 breach (and, when Baileys' recovery issues its token a second time in the bucket,
        // a 429 too — how soon Baileys gets there and reports the failure varies, so only the refusal is waited for).
        await PollAsync(() => Task.FromResult(world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2)), count => count >= 1);
        var atCarol = await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/messages");
        Assert.DoesNotContain(atCarol.AsArray(), m => m!["msg_id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task R3_the_engine_answers_a_retry_receipt_in_the_reference_shape_and_baileys_rc14_is_refused_with_479()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.ExpectedBreaches.Add("R3");

        // Engine → Baileys: Baileys cannot decrypt, asks again, and the engine's resend is taken.
        await FaultAsync(world, BobPhone + ":1@s.whatsapp.net", "corrupt_next");
        var sent = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("survives a bad MAC"), None);
        await world.Bob.WaitAsync("message", match: new JsonObject { ["id"] = sent.MsgId, ["body"] = "survives a bad MAC" }, timeoutMs: 45_000);
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R3));

        // Baileys → engine: the engine asks again; Baileys' 1:1 resend carries the enc twice (WhiskeySockets/Baileys#2781)
        // and is refused, as WhatsApp refuses it.
        await FaultAsync(world, AlicePhone + ":1@s.whatsapp.net", "corrupt_next");
        await world.Bob.SendTextAsync(AliceJid, "lost to a malformed resend");
        await PollAsync(() => Task.FromResult(world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R3)), count => count >= 1);
    }

    [Fact]
    public async Task R16_a_phash_on_the_ack_that_differs_from_ours_refreshes_the_device_list()
    {
        await using var world = await MessagingWorld.StartAsync();
        var first = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("bob has one companion"), None);
        await world.Line.WaitForMessageStatusAsync(first.MsgId, MessageStatus.DeliveryAck);
        Assert.Equal([0, 1], (await world.Line.Messages.GetDeviceListAsync(BobJid, None))!.DeviceIds);

        // Bob links a laptop while the line is stopped: the devices notification never reaches it.
        await world.Line.Actor.StopAsync(None);
        await using var bobLaptop = await BaileysPeer.StartPairedAsync(world.Sandbox, world.CaFile, BobPhone);
        await world.Line.Actor.StartAsync(None);
        await world.Line.WaitForStatusAsync(Engine.Session.LineStatus.Connected, skip: 1);
        Assert.Equal([0, 1], (await world.Line.Messages.GetDeviceListAsync(BobJid, None))!.DeviceIds);

        // Sent by the stale list; the server's phash names three of Bob's devices, so the list is dropped ...
        var stale = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("by the stale list"), None);
        await world.Line.WaitForMessageStatusAsync(stale.MsgId, MessageStatus.DeliveryAck);
        // (The sandbox routes the phone's delivery receipt before it acks the sender, so the ack may still be on its way.)
        await PollAsync(() => world.Line.Messages.GetDeviceListAsync(BobJid, None), list => list is null);

        // ... and the next message reaches the laptop too.
        var fresh = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("by a fresh list"), None);
        await bobLaptop.WaitAsync("message", match: new JsonObject { ["id"] = fresh.MsgId });
        Assert.Equal([0, 1, 2], (await world.Line.Messages.GetDeviceListAsync(BobJid, None))!.DeviceIds);
    }

    [Fact]
    public async Task R4_the_engine_includes_a_hosted_device_in_a_dm_and_it_reaches_it()
    {
        await using var world = await MessagingWorld.StartAsync();
        var carol = await CreateAccountAsync(world, "pn");
        (await world.Sandbox.Http.PostAsync($"/sandbox/accounts/{CarolPhone}/hosted", null)).EnsureSuccessStatusCode();

        var sent = await world.Line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Text("to the phone and the cloud"), None);

        await world.Line.WaitForMessageStatusAsync(sent.MsgId, MessageStatus.DeliveryAck);
        var hosted = await PollAsync(() => world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/hosted"), h => h["received"]!.AsArray().Count > 0);
        Assert.Equal([sent.MsgId], hosted["received"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Contains(99, (await world.Line.Messages.GetDeviceListAsync(carol.Jid, None))!.DeviceIds);
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R4));
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
    }

    [Fact]
    public async Task R4_baileys_rc14_includes_a_hosted_device_in_a_dm_and_a_virtual_phone_does_too()
    {
        await using var world = await MessagingWorld.StartAsync();
        var carol = await CreateAccountAsync(world, "pn");
        (await world.Sandbox.Http.PostAsync($"/sandbox/accounts/{CarolPhone}/hosted", null)).EnsureSuccessStatusCode();

        var fromBob = (await world.Bob.SendTextAsync(carol.Jid, "to the phone and the cloud"))["id"]!.GetValue<string>();
        await PollAsync(() => world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/messages"), m => m.AsArray().Any(x => x!["msg_id"]!.GetValue<string>() == fromBob));
        var hosted = await PollAsync(() => world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/hosted"), h => h["received"]!.AsArray().Count > 0);
        Assert.Equal([fromBob], hosted["received"]!.AsArray().Select(x => x!.GetValue<string>()));

        // Bob's phone writes to Carol too; Baileys, as Bob's companion, gets the copy.
        var posted = await world.Sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{BobPhone}/messages", new { to = carol.Jid, text = "from bob's phone" });
        posted.EnsureSuccessStatusCode();
        var fromPhone = (await posted.Content.ReadFromJsonAsync<JsonNode>())!["msg_id"]!.GetValue<string>();
        await world.Bob.WaitAsync("message", match: new JsonObject { ["id"] = fromPhone });
        Assert.Contains(fromPhone, (await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/hosted"))["received"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R4));
    }

    [Fact]
    public async Task R16_an_identity_change_drops_the_engines_sessions_and_its_next_message_starts_a_new_one()
    {
        await using var world = await MessagingWorld.StartAsync();
        var carol = await CreateAccountAsync(world, "pn");
        var before = await world.Line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Text("before the reinstall"), None);
        await world.Line.WaitForMessageStatusAsync(before.MsgId, MessageStatus.DeliveryAck);
        await PollAsync(() => world.Line.Messages.GetPrivacyTokenAsync(carol.Lid, None), t => t?.IssuedAt is not null);
        SignalAddress[] sessions = [SignalAddress.ForUser(Jid.Parse(carol.Lid).User, SignalAddress.LidDomainType, 0), SignalAddress.ForUser(CarolPhone, 0)];
        Assert.Equal(1, await CountSessionsAsync(world, sessions));
        var tokenBreaches = world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2);

        // Carol's phone is reinstalled: the engine is told and drops what it had with her.
        (await world.Sandbox.Http.PostAsync($"/sandbox/accounts/{CarolPhone}/reinstall", null)).EnsureSuccessStatusCode();
        await PollAsync(() => CountSessionsAsync(world, sessions), count => count == 0);

        // The next message starts a new session with her new identity, and her phone reads it.
        var after = await world.Line.Actor.SendMessageAsync(carol.Jid, MessageBuilder.Text("after the reinstall"), None);
        await world.Line.WaitForMessageStatusAsync(after.MsgId, MessageStatus.DeliveryAck);
        var atCarol = await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/messages");
        Assert.Single(atCarol.AsArray(), m => m!["msg_id"]!.GetValue<string>() == after.MsgId && m["body"]!.GetValue<string>() == "after the reinstall");
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R16));
        Assert.Equal(tokenBreaches, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
    }

    [Fact]
    public async Task R16_baileys_rc14_refreshes_its_session_after_an_identity_change_and_reaches_the_reinstalled_phone()
    {
        await using var world = await MessagingWorld.StartAsync();
        var carol = await CreateAccountAsync(world, "pn");
        var before = (await world.Bob.SendTextAsync(carol.Jid, "before the reinstall"))["id"]!.GetValue<string>();
        await PollAsync(() => world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/messages"), m => m.AsArray().Any(x => x!["msg_id"]!.GetValue<string>() == before));
        var tokenBreaches = world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2);

        // Baileys takes the notification as a cue to fetch Carol's new keys at once (one of her new prekeys is used).
        (await world.Sandbox.Http.PostAsync($"/sandbox/accounts/{CarolPhone}/reinstall", null)).EnsureSuccessStatusCode();
        var published = await world.Sandbox.Runtime.Keys.CountAsync(CarolPhone, 0, None);
        await PollAsync(() => world.Sandbox.Runtime.Keys.CountAsync(CarolPhone, 0, None), left => left < published);

        var after = (await world.Bob.SendTextAsync(carol.Jid, "after the reinstall"))["id"]!.GetValue<string>();
        var atCarol = await PollAsync(() => world.Sandbox.GetJsonAsync($"/sandbox/accounts/{CarolPhone}/messages"), m => m.AsArray().Any(x => x!["msg_id"]!.GetValue<string>() == after));
        Assert.Single(atCarol.AsArray(), m => m!["msg_id"]!.GetValue<string>() == after && m["body"]!.GetValue<string>() == "after the reinstall");
        Assert.Equal(0, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R16));
        Assert.Equal(tokenBreaches, world.Sandbox.Runtime.Rules.BreachCount(ServerRule.R2));
    }

    private static async Task<int> CountSessionsAsync(MessagingWorld world, SignalAddress[] addresses)
    {
        var count = 0;
        foreach (var address in addresses)
        {
            count += await world.Line.Signal.Sessions.LoadSessionAsync(address, None) is null ? 0 : 1;
        }

        return count;
    }

    private static async Task<(string Jid, string Lid)> CreateAccountAsync(MessagingWorld world, string addressing)
    {
        var created = await (await world.Sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = CarolPhone, push_name = "Carol", addressing })).Content.ReadFromJsonAsync<JsonNode>();
        return (created!["jid"]!.GetValue<string>(), created["lid"]!.GetValue<string>());
    }

    private static async Task FaultAsync(MessagingWorld world, string deviceJid, string kind)
    {
        var response = await world.Sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = deviceJid, kind });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
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
