using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using static WaEngine.Integration.Tests.Messaging.MessagingWorld;

namespace WaEngine.Integration.Tests.Messaging;

/// <summary>
/// First messages to many new peers: a send pass learns their device lists in one usync and their prekey bundles in one
/// key fetch (PlanPrefetch), as WhatsApp's clients batch them, instead of two round trips per message, and issues our
/// privacy token to all of them in one iq (PassIssuances); every message still reaches its virtual phone through the
/// strict sandbox (R1, R2, R16 unbroken).
/// </summary>
public sealed class FirstMessageBatchTests
{
    private const int Peers = 6;

    [Fact]
    public async Task Six_first_messages_queued_while_the_line_is_away_go_out_after_one_usync_and_one_key_fetch()
    {
        await using var world = await MessagingWorld.StartAsync();
        var peers = await world.NewPhonesAsync("1555020", Peers);

        // The line is away (its logins refused with 503 until lifted) while the six messages are queued, so the first
        // pass after the login finds them all at once.
        var refusal = await world.Sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{AlicePhone}/login-refusal", new { reason = "503" });
        Assert.True(refusal.IsSuccessStatusCode, await refusal.Content.ReadAsStringAsync());
        var dropped = await world.Sandbox.Http.PostAsJsonAsync("/sandbox/faults", new { device_jid = AlicePhone + ":1@s.whatsapp.net", kind = "drop" });
        Assert.True(dropped.IsSuccessStatusCode, await dropped.Content.ReadAsStringAsync());
        await world.Line.WaitForStatusAsync(LineStatus.Reconnecting);
        var sent = new List<MessageRecord>();
        foreach (var phone in peers)
        {
            sent.Add(await world.Line.Actor.SendMessageAsync(phone + "@s.whatsapp.net", MessageBuilder.Text("first words to " + phone), CancellationToken.None));
        }

        var before = await IqsAsync(world);
        (await world.Sandbox.Http.DeleteAsync($"/sandbox/accounts/{AlicePhone}/login-refusal")).EnsureSuccessStatusCode();
        foreach (var message in sent)
        {
            await world.Line.WaitForMessageStatusAsync(message.MsgId, MessageStatus.DeliveryAck, TimeSpan.FromSeconds(45));
        }

        var after = await IqsAsync(world);
        for (var i = 0; i < Peers; i++)
        {
            var inbox = await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{peers[i]}/messages");
            Assert.Single(inbox.AsArray(), m => m!["msg_id"]!.GetValue<string>() == sent[i].MsgId);
        }

        // One key fetch for the six peers' devices (and our own phone's): before the batching there was one per message.
        Assert.Equal(1, Count(after, "encrypt/get/key") - Count(before, "encrypt/get/key"));
        // One usync for their device lists; a login may ask for its own besides.
        Assert.InRange(Count(after, "usync/get/usync") - Count(before, "usync/get/usync"), 1, 2);

        // Our privacy token goes to all six in one issuance iq once their messages are written (R2): before, one iq each.
        var issued = await IqsOnceAsync(world, iqs => Count(iqs, TokenKind) - Count(before, TokenKind) >= Peers);
        Assert.Equal(Peers, Count(issued, TokenKind) - Count(before, TokenKind));
        Assert.Equal(1, Count(issued, "privacy/set/tokens") - Count(before, "privacy/set/tokens"));
    }

    private const string TokenKind = WaEngine.Sandbox.Protocol.PrivacyTokenIssuance.TokenKind;

    /// <summary>The line's iq counts once <paramref name="done"/> holds for them (the issuance runs after the writes, in the background).</summary>
    private static async Task<JsonObject> IqsOnceAsync(MessagingWorld world, Func<JsonObject, bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        var iqs = await IqsAsync(world);
        while (!done(iqs) && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
            iqs = await IqsAsync(world);
        }

        return iqs;
    }

    private static async Task<JsonObject> IqsAsync(MessagingWorld world) =>
        (await world.Sandbox.GetJsonAsync($"/sandbox/accounts/{AlicePhone}/iqs")).AsObject();

    private static long Count(JsonObject iqs, string kind) => iqs[kind]?.GetValue<long>() ?? 0;
}
