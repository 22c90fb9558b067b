using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// First messages to many new peers planned together: the loop builds their sessions from the prekey bundles (X3DH)
/// and takes their ratchet steps through one overlay (PendingSignalState), stores them all in one commit and only then
/// writes the stanzas back to back. Fifty messages waiting together all reach their phones — the sandbox's virtual
/// phones and an unmodified Baileys client, which decrypt them independently — while the batch's failures stay their
/// own: a number with no WhatsApp devices fails alone, a key fetch the server answers with an error falls back to
/// fetching again, and a contact whose identity changed since our last message is trusted anew inside the batch.
/// </summary>
public sealed class FirstMessageGroupCommitTests
{
    private const int NewPeers = 47;

    [Fact]
    public async Task Fifty_first_messages_planned_together_all_arrive_and_each_failure_stays_its_own()
    {
        await using var world = await MessagingWorld.StartAsync();
        var peers = await world.NewPhonesAsync("1555030", NewPeers);

        // A contact we wrote to before, who then reinstalled WhatsApp: a new identity key, its sessions dropped (R16).
        const string reinstalled = "15550309998";
        (await world.Sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = reinstalled })).EnsureSuccessStatusCode();
        var earlier = await world.Line.Actor.SendMessageAsync(reinstalled + "@s.whatsapp.net", MessageBuilder.Text("before the reinstall"), CancellationToken.None);
        await world.Line.WaitForMessageStatusAsync(earlier.MsgId, MessageStatus.DeliveryAck, TimeSpan.FromSeconds(45));
        var issued = await IqsOnceAsync(world, iqs => Count(iqs, TokenKind) >= 1);
        (await world.Sandbox.Http.PostAsync($"/sandbox/accounts/{reinstalled}/reinstall", null)).EnsureSuccessStatusCode();
        // The line handled the identity notification once it issued our privacy token to the contact again.
        await IqsOnceAsync(world, iqs => Count(iqs, TokenKind) > Count(issued, TokenKind));

        // The line is away while the fifty are queued, so the first pass after the login plans them all together.
        var refusal = await world.Sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{AlicePhone}/login-refusal", new { reason = "503" });
        Assert.True(refusal.IsSuccessStatusCode, await refusal.Content.ReadAsStringAsync());
        var dropped = await world.Sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = AlicePhone + ":1@s.whatsapp.net", kind = "drop" });
        Assert.True(dropped.IsSuccessStatusCode, await dropped.Content.ReadAsStringAsync());
        await world.Line.WaitForStatusAsync(LineStatus.Reconnecting);

        var toPhones = new List<(string Phone, MessageRecord Sent)>();
        foreach (var phone in peers.Take(NewPeers / 2))
        {
            toPhones.Add((phone, await world.Line.Actor.SendMessageAsync(phone + "@s.whatsapp.net", MessageBuilder.Text("first words to " + phone), CancellationToken.None)));
        }

        var toBob = await world.Line.Actor.SendMessageAsync(BobJid, MessageBuilder.Text("first words to bob, in the batch"), CancellationToken.None);
        var toNobody = await world.Line.Actor.SendMessageAsync("15550309999@s.whatsapp.net", MessageBuilder.Text("to a number not on WhatsApp"), CancellationToken.None);
        toPhones.Add((reinstalled, await world.Line.Actor.SendMessageAsync(reinstalled + "@s.whatsapp.net", MessageBuilder.Text("after the reinstall"), CancellationToken.None)));
        foreach (var phone in peers.Skip(NewPeers / 2))
        {
            toPhones.Add((phone, await world.Line.Actor.SendMessageAsync(phone + "@s.whatsapp.net", MessageBuilder.Text("first words to " + phone), CancellationToken.None)));
        }

        Assert.Equal(50, toPhones.Count + 2);

        // The server answers the line's next prekey fetch (the batch's) with 500.
        var failKeys = await world.Sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = AlicePhone + ":1@s.whatsapp.net", kind = "fail_key_fetch" });
        Assert.True(failKeys.IsSuccessStatusCode, await failKeys.Content.ReadAsStringAsync());
        var before = await IqsAsync(world);
        (await world.Sandbox.Http.DeleteAsync($"/sandbox/accounts/{AlicePhone}/login-refusal")).EnsureSuccessStatusCode();

        var failed = await world.Line.WaitForMessageStatusAsync(toNobody.MsgId, MessageStatus.Failed, TimeSpan.FromSeconds(90));
        Assert.Contains("not on WhatsApp", failed.Error, StringComparison.Ordinal);
        foreach (var (_, sent) in toPhones)
        {
            await world.Line.WaitForMessageStatusAsync(sent.MsgId, MessageStatus.DeliveryAck, TimeSpan.FromSeconds(90));
        }

        await world.Bob.WaitAsync("message", match: new JsonObject { ["id"] = toBob.MsgId, ["body"] = "first words to bob, in the batch" }, timeoutMs: 90_000);
        foreach (var (phone, sent) in toPhones)
        {
            var inbox = await InboxWithAsync(world, phone, sent.MsgId);
            Assert.Single(inbox, m => m!["msg_id"]!.GetValue<string>() == sent.MsgId && m["body"]!.GetValue<string>() == sent.Body);
        }

        // The failed fetch was answered, and the keys were fetched again rather than the messages given up.
        var after = await IqsAsync(world);
        Assert.True(Count(after, "encrypt/get/key") - Count(before, "encrypt/get/key") >= 2, after.ToJsonString());
        Assert.Equal(MessageStatus.Failed, (await world.Line.Messages.FindAsync(toNobody.MsgId, CancellationToken.None))!.Status);
        Assert.Empty(await world.Line.Messages.PendingOutboundAsync(CancellationToken.None));

        // The sessions the batch built were stored: the next message to each of a few goes on them (no new key fetch) and arrives.
        var keysBefore = Count(await IqsAsync(world), "encrypt/get/key");
        var again = new List<(string Phone, MessageRecord Sent)>();
        foreach (var (phone, _) in toPhones.Where((_, i) => i % 12 == 0))
        {
            again.Add((phone, await world.Line.Actor.SendMessageAsync(phone + "@s.whatsapp.net", MessageBuilder.Text("second words to " + phone), CancellationToken.None)));
        }

        foreach (var (phone, sent) in again)
        {
            await world.Line.WaitForMessageStatusAsync(sent.MsgId, MessageStatus.DeliveryAck, TimeSpan.FromSeconds(45));
            Assert.Single(await InboxWithAsync(world, phone, sent.MsgId), m => m!["msg_id"]!.GetValue<string>() == sent.MsgId);
        }

        Assert.Equal(keysBefore, Count(await IqsAsync(world), "encrypt/get/key"));
        world.AssertEveryStanzaWasAcked();
    }

    private const string TokenKind = WaEngine.Sandbox.Protocol.PrivacyTokenIssuance.TokenKind;

    /// <summary>The line's iq counts once <paramref name="done"/> holds for them (issuances run in the background).</summary>
    private static async Task<JsonObject> IqsOnceAsync(MessagingWorld world, Func<JsonObject, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var iqs = await IqsAsync(world);
        while (!done(iqs) && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
            iqs = await IqsAsync(world);
        }

        Assert.True(done(iqs), iqs.ToJsonString());
        return iqs;
    }

    /// <summary>A phone's inbox once it holds <paramref name="msgId"/> (phones take messages after the server's ack, on their own time), or after 60 s.</summary>
    private static async Task<JsonArray> InboxWithAsync(MessagingWorld world, string phone, string msgId)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var inbox = (await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{phone}/messages")).AsArray();
        while (!inbox.Any(m => m!["msg_id"]!.GetValue<string>() == msgId) && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
            inbox = (await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{phone}/messages")).AsArray();
        }

        return inbox;
    }

    private static async Task<JsonObject> IqsAsync(MessagingWorld world) =>
        (await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{AlicePhone}/iqs")).AsObject();

    private static long Count(JsonObject iqs, string kind) => iqs[kind]?.GetValue<long>() ?? 0;
}
