using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>
/// R4, the server's side: an account can have a hosted (Cloud API) device, listed <c>is_hosted</c> with published keys;
/// a 1:1 message that leaves it out is counted and does not reach it; one that includes it (either namespace) does.
/// Hand-built stanzas from a deliberately wrong client, through the router and the iq handler.
/// </summary>
public sealed class HostedDeviceRuleTests : IAsyncLifetime
{
    private const string AlicePhone = "15550501001";
    private const string BobPhone = "15550501002";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TempFolder _data = new();
    private RunningSandbox _sandbox = null!;
    private SandboxAccount _alice = null!;
    private SandboxAccount _bob = null!;
    private JsonNode _created = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await RunningSandbox.StartAsync(_data.Path);
        await _sandbox.CreateAccountAsync(AlicePhone);
        await _sandbox.CreateAccountAsync(BobPhone);
        var response = await _sandbox.Http.PostAsync($"/sandbox/accounts/{BobPhone}/hosted", null);
        Assert.Equal(201, (int)response.StatusCode);
        _created = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        _alice = (await _sandbox.Runtime.Accounts.FindAsync(AlicePhone, None))!;
        _bob = (await _sandbox.Runtime.Accounts.FindAsync(BobPhone, None))!;
        _sandbox.Runtime.Network.PrivacyTokens.RecordContact(AlicePhone, BobPhone);
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task R4_a_hosted_device_has_published_keys_and_usync_lists_it_is_hosted()
    {
        Assert.Equal(BobPhone + ":99@hosted", _created["device_jid"]!.GetValue<string>());
        Assert.Equal(_bob.Lid + ":99@hosted.lid", _created["lid_device_jid"]!.GetValue<string>());
        Assert.Equal(409, (int)(await _sandbox.Http.PostAsync($"/sandbox/accounts/{BobPhone}/hosted", null)).StatusCode);
        Assert.Equal(404, (int)(await _sandbox.Http.GetAsync($"/sandbox/accounts/{AlicePhone}/hosted")).StatusCode);

        var handler = new IqHandler(_sandbox.Runtime.Accounts, _sandbox.Runtime.Keys, () => new MediaConnInfo("a", "127.0.0.1:1"), _sandbox.Runtime.Rules);
        var usync = await handler.HandleAsync(new ConnectedDevice(_alice, 1), Iq("usync", new Node("usync", NodeAttributes.Of(("sid", "s1"), ("mode", "query"), ("context", "message"), ("last", "true"), ("index", "0")), [
            new Node("query", null, [ServerNodes.Leaf("devices", ("version", "2"))]),
            new Node("list", null, [ServerNodes.Leaf("user", ("jid", _bob.Jid))]),
        ])), None);
        var devices = usync.RequiredChild("usync").RequiredChild("list").RequiredChild("user").RequiredChild("devices").RequiredChild("device-list").ChildrenNamed("device").ToList();
        var hosted = Assert.Single(devices, d => d.Attr("id") == "99");
        Assert.Equal("true", hosted.Attr("is_hosted"));
        Assert.NotNull(hosted.Attr("key-index"));
        Assert.All(devices.Where(d => d.Attr("id") != "99"), d => Assert.Null(d.Attr("is_hosted")));

        var bundles = await handler.HandleAsync(new ConnectedDevice(_alice, 1), Iq("encrypt", new Node("key", null, [ServerNodes.Leaf("user", ("jid", BobPhone + ":99@hosted"))])), None);
        var bundle = bundles.RequiredChild("list").RequiredChild("user");
        Assert.Null(bundle.Child("error"));
        Assert.NotNull(bundle.Child("skey"));
    }

    [Fact]
    public async Task R4_a_message_that_leaves_the_hosted_device_out_is_counted_and_does_not_reach_it()
    {
        var left = await SendAsync(_bob.Jid, _bob.Jid);

        Assert.Null(left.Ack.Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R4));
        Assert.DoesNotContain(left.Id, await ReceivedAsync());
    }

    [Fact]
    public async Task R4_a_message_that_includes_the_hosted_device_reaches_it_in_either_namespace()
    {
        var byPn = await SendAsync(_bob.Jid, BobPhone + ":99@hosted");
        await _sandbox.Runtime.Accounts.MigrateToLidAsync(_alice, None); // R1: only a LID-migrated account writes DMs by LID
        var byLid = await SendAsync(_bob.LidJid, _bob.Lid + ":99@hosted.lid");

        Assert.Null(byPn.Ack.Attr("error"));
        Assert.Null(byLid.Ack.Attr("error"));
        Assert.Equal(0, _sandbox.Runtime.Rules.BreachCount(ServerRule.R4));
        Assert.Equal([byPn.Id, byLid.Id], await ReceivedAsync());
    }

    [Fact]
    public async Task R4_a_virtual_phone_includes_the_hosted_device()
    {
        var id = await _sandbox.Runtime.Phones.SendAsync(_alice, _bob, new Proto.Message { Conversation = "to the business" }, None);

        Assert.Contains(id, await ReceivedAsync());
        Assert.Equal(0, _sandbox.Runtime.Rules.BreachCount(ServerRule.R4));
    }

    private async Task<List<string>> ReceivedAsync() =>
        [.. (await _sandbox.GetJsonAsync($"/sandbox/accounts/{BobPhone}/hosted"))["received"]!.AsArray().Select(x => x!.GetValue<string>())];

    private async Task<(string Id, Node Ack)> SendAsync(string to, string device)
    {
        // One target only (no phone in the way): what matters is which devices the server is asked to deliver to.
        var id = "3EB0" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        var message = new Node("message", NodeAttributes.Of(("id", id), ("to", to), ("type", "text")), [
            new Node("participants", null, [new Node("to", NodeAttributes.Of(("jid", device)), [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "pkmsg")), new byte[] { 1, 2, 3 })])]),
        ]);
        var acks = new List<Node>();
        await _sandbox.Runtime.Network.SendFromAsync(new ConnectedDevice(_alice, 1), message, acks.Add, None);
        return (id, Assert.Single(acks));
    }

    private static Node Iq(string xmlns, Node child) =>
        new("iq", NodeAttributes.Of(("id", "h" + Random.Shared.Next(1000)), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", xmlns)), [child]);
}
