using System.Net;
using System.Net.Http.Json;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Receipts;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>
/// R6: every message, receipt, notification and call is acked with its attributes echoed; a bad ack or a stanza left
/// unacked ends the stream with the ack stream error, and what was not acked is replayed at the next login. R13: an
/// active delivery receipt before presence is counted.
/// </summary>
public class AckRuleTests
{
    private const string Alice = "15550061001";
    private const string Bob = "15550061002";

    [Fact]
    public async Task R6_an_ack_lacking_the_stanzas_type_ends_the_stream_and_the_stanza_is_replayed_until_acked_right()
    {
        using var data = new TempFolder();
        await using var sandbox = await StartAsync(data.Path);
        await using var device = await RawDevice.RegisterAsync(sandbox, Alice);
        Assert.Empty(await device.LoginAsync());

        var account = (await sandbox.Runtime.Accounts.FindAsync(Alice, CancellationToken.None))!;
        var notification = new Node("notification", NodeAttributes.Of(("from", Bob + "@s.whatsapp.net"), ("id", "N1"), ("type", "picture"), ("participant", Bob + "@s.whatsapp.net"), ("t", "1779285900")));
        await sandbox.Runtime.Network.DeliverToCompanionsAsync(account, "notification", notification, CancellationToken.None);
        var received = await device.ReceiveAsync("notification");
        Assert.Equal("N1", received.Attr("id"));

        // The ack forgets the type.
        await device.SendAsync(new Node("ack", NodeAttributes.Of(("id", "N1"), ("to", Bob + "@s.whatsapp.net"), ("class", "notification"), ("participant", Bob + "@s.whatsapp.net"))));
        var error = await device.ReceiveAsync("stream:error");
        var ack = error.RequiredChild("ack");
        Assert.Equal("N1", ack.Attr("id"));
        Assert.Equal("notification", ack.Attr("class"));
        Assert.Null(error.Attr("code"));
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));

        // Not acked, so it comes again at the next login; acked as the engine acks it, it is gone for good.
        var replayed = Assert.Single(await device.LoginAsync());
        Assert.Equal("N1", replayed.Attr("id"));
        await device.SendAsync(ReceiptStanzas.BuildAck(replayed));
        Assert.Empty(await device.LoginAsync());
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
    }

    [Fact]
    public async Task R6_a_call_left_unacked_past_the_ack_timeout_ends_the_stream_and_is_replayed()
    {
        using var data = new TempFolder();
        await using var sandbox = await StartAsync(data.Path, TimeSpan.FromSeconds(3));
        await using var device = await RawDevice.RegisterAsync(sandbox, Alice);
        await device.LoginAsync();

        var ring = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Bob}/calls", new { to = Alice, video = true });
        Assert.Equal(HttpStatusCode.Created, ring.StatusCode);
        var callId = (await ring.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!["call_id"]!.GetValue<string>();
        var offer = await device.ReceiveAsync("call");
        Assert.Equal(callId, offer.RequiredChild("offer").Attr("call-id"));
        Assert.NotNull(offer.RequiredChild("offer").Child("video"));
        var terminate = await device.ReceiveAsync("call");
        Assert.Equal("terminate", terminate.FirstChild()!.Tag);

        // The device acks neither: the server gives up on it.
        var error = await device.ReceiveAsync("stream:error");
        Assert.Equal(offer.Attr("id"), error.RequiredChild("ack").Attr("id"));
        Assert.Equal("call", error.RequiredChild("ack").Attr("class"));
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));

        var replayed = await device.LoginAsync();
        Assert.Equal([offer.Attr("id"), terminate.Attr("id")], replayed.Select(n => n.Attr("id")));
        foreach (var call in replayed)
        {
            await device.SendAsync(ReceiptStanzas.BuildAck(call));
        }

        Assert.Empty(await device.LoginAsync());
    }

    [Fact]
    public async Task R6_a_lenient_sandbox_counts_a_bad_ack_and_keeps_the_stream()
    {
        using var data = new TempFolder();
        await using var sandbox = await StartAsync(data.Path, strict: false);
        await using var device = await RawDevice.RegisterAsync(sandbox, Alice);
        await device.LoginAsync();
        var account = (await sandbox.Runtime.Accounts.FindAsync(Alice, CancellationToken.None))!;

        await sandbox.Runtime.Network.DeliverToCompanionsAsync(account, "notification",
            new Node("notification", NodeAttributes.Of(("from", Bob + "@s.whatsapp.net"), ("id", "N2"), ("type", "picture"))), CancellationToken.None);
        await device.ReceiveAsync("notification");
        await device.SendAsync(new Node("ack", NodeAttributes.Of(("id", "N2"), ("class", "notification"))));

        // The stream goes on: the next stanza arrives.
        await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Bob}/calls", new { to = Alice });
        Assert.Equal("call", (await device.ReceiveAsync()).Tag);
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
    }

    [Fact]
    public async Task R13_an_active_delivery_receipt_before_presence_is_counted_not_refused()
    {
        using var data = new TempFolder();
        await using var sandbox = await StartAsync(data.Path);
        await using var device = await RawDevice.RegisterAsync(sandbox, Alice);
        await device.LoginAsync();

        await device.SendAsync(new Node("receipt", NodeAttributes.Of(("id", "M1"), ("to", Bob + "@s.whatsapp.net"))));
        Assert.Equal("receipt", (await device.ReceiveAsync("ack")).Attr("class"));
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R13));

        await device.SendAsync(new Node("receipt", NodeAttributes.Of(("id", "M2"), ("to", Bob + "@s.whatsapp.net"), ("type", "inactive"))));
        await device.ReceiveAsync("ack");
        await device.SendAsync(new Node("presence", NodeAttributes.Of(("type", "available"), ("name", "Alice"))));
        await device.SendAsync(new Node("receipt", NodeAttributes.Of(("id", "M3"), ("to", Bob + "@s.whatsapp.net"))));
        await device.ReceiveAsync("ack");
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R13));
    }

    [Fact]
    public async Task R14_a_peer_message_receipted_as_an_ordinary_delivery_is_counted_and_peer_msg_is_not()
    {
        using var data = new TempFolder();
        await using var sandbox = await StartAsync(data.Path);
        await using var device = await RawDevice.RegisterAsync(sandbox, Alice);
        await device.LoginAsync();
        var account = (await sandbox.Runtime.Accounts.FindAsync(Alice, CancellationToken.None))!;
        var own = Alice + "@s.whatsapp.net";

        foreach (var id in (string[])["P1", "P2"])
        {
            await sandbox.Runtime.Network.DeliverToCompanionsAsync(account, "message",
                new Node("message", NodeAttributes.Of(("from", own), ("id", id), ("type", "text"), ("category", "peer"), ("recipient", own))), CancellationToken.None);
            await device.ReceiveAsync("message");
        }

        // P1 gets a plain delivery receipt (counted, not refused: the ack comes), P2 the peer_msg receipt it is due.
        await device.SendAsync(new Node("receipt", NodeAttributes.Of(("id", "P1"), ("to", own), ("type", "inactive"))));
        Assert.Equal("receipt", (await device.ReceiveAsync("ack")).Attr("class"));
        await device.SendAsync(new Node("receipt", NodeAttributes.Of(("id", "P2"), ("to", own), ("type", "peer_msg"))));
        await device.ReceiveAsync("ack");
        Assert.Equal(1, sandbox.Runtime.Rules.BreachCount(ServerRule.R14));
    }

    [Fact]
    public async Task Calls_to_a_phone_itself_or_to_nobody_are_refused_with_a_reason()
    {
        using var data = new TempFolder();
        await using var sandbox = await StartAsync(data.Path);
        var self = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Bob}/calls", new { to = Bob });
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        var nobody = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Bob}/calls", new { to = "19999999999" });
        Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        var missing = await sandbox.Http.PostAsJsonAsync($"/sandbox/accounts/{Bob}/calls", new { video = true });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("to", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task R7_nacks_shaped_as_the_references_send_them_are_tallied_by_code_and_a_wrongly_shaped_one_is_counted()
    {
        using var data = new TempFolder();
        await using var sandbox = await StartAsync(data.Path);
        await using var device = await RawDevice.RegisterAsync(sandbox, Alice);
        await device.LoginAsync();
        var account = (await sandbox.Runtime.Accounts.FindAsync(Alice, CancellationToken.None))!;
        var bob = Bob + "@s.whatsapp.net";

        // A message whose content the client cannot use: nacked 491 as whatsmeow and Baileys nack it; it settles the stanza.
        var message = new Node("message", NodeAttributes.Of(("from", bob), ("id", "M1"), ("type", "text"), ("t", "1779285900")), [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg")), new byte[] { 1, 2, 3 })]);
        await sandbox.Runtime.Network.DeliverToCompanionsAsync(account, "message", message, CancellationToken.None);
        await device.ReceiveAsync("message");
        await device.SendAsync(ReceiptStanzas.BuildAck(message, ReceiptStanzas.NackInvalidProtobuf));

        // Wrongly shaped: a notification is never nacked, and "abc" is no nack code.
        var notification = new Node("notification", NodeAttributes.Of(("from", bob), ("id", "N7"), ("type", "picture"), ("t", "1779285900")));
        await sandbox.Runtime.Network.DeliverToCompanionsAsync(account, "notification", notification, CancellationToken.None);
        await device.ReceiveAsync("notification");
        await device.SendAsync(new Node("ack", NodeAttributes.Of(("id", "N7"), ("to", bob), ("class", "notification"), ("type", "picture"), ("error", "491"))));
        var second = new Node("message", NodeAttributes.Of(("from", bob), ("id", "M2"), ("type", "text"), ("t", "1779285901")), [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg")), new byte[] { 4, 5, 6 })]);
        await sandbox.Runtime.Network.DeliverToCompanionsAsync(account, "message", second, CancellationToken.None);
        await device.ReceiveAsync("message");
        await device.SendAsync(new Node("ack", NodeAttributes.Of(("id", "M2"), ("to", bob), ("class", "message"), ("error", "abc"))));

        // Every one of them was an ack: nothing is owed, nothing replayed; one nack taken, two wrong ones counted.
        Assert.Empty(await device.LoginAsync());
        Assert.Equal(1, sandbox.Runtime.Rules.Nacks.Count(491));
        Assert.Equal(2, sandbox.Runtime.Rules.BreachCount(ServerRule.R7));
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
        var rules = await sandbox.GetJsonAsync("/sandbox/rules");
        Assert.Equal(1, rules["nacks"]!["491"]!.GetValue<long>());
        Assert.Equal(2, rules["breaches"]!["R7"]!.GetValue<long>());
    }

    private static async Task<RunningSandbox> StartAsync(string folder, TimeSpan? ackTimeout = null, bool strict = true)
    {
        var sandbox = await RunningSandbox.StartAsync(folder, strict: strict, tune: o => ackTimeout is { } t ? o with { AckTimeout = t } : o);
        (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Alice, push_name = "Alice" })).EnsureSuccessStatusCode();
        (await sandbox.Http.PostAsJsonAsync("/sandbox/accounts", new { phone = Bob, push_name = "Bob" })).EnsureSuccessStatusCode();
        return sandbox;
    }
}
