using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Conversations;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Tests.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Conversations;

/// <summary>
/// R13, read receipts and the account's read-receipt privacy: the setting is answered and set through the privacy iq
/// and the control API; a <c>read-self</c> never reaches the sender; a plain <c>read</c> from an account whose read
/// receipts are off is counted (a deliberately wrong client) and routed.
/// </summary>
public sealed class ReadReceiptRuleTests : IAsyncLifetime
{
    private const string AlicePhone = "15550401001";
    private const string BobPhone = "15550401002";
    private readonly TempFolder _data = new();
    private RunningSandbox _sandbox = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await RunningSandbox.StartAsync(_data.Path);
        await _sandbox.Runtime.Accounts.CreateAsync(AlicePhone, "Alice", null, CancellationToken.None);
        await _sandbox.Runtime.Accounts.CreateAsync(BobPhone, "Bob", null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task R13_a_read_self_receipt_never_reaches_the_sender_and_a_read_from_an_account_with_read_receipts_off_is_counted()
    {
        await using var alice = await RawDevice.RegisterAsync(_sandbox, AlicePhone);
        await alice.LoginAsync();
        var bob = new ConnectedDevice((await _sandbox.Runtime.Accounts.FindAsync(BobPhone, CancellationToken.None))!, 0);
        (await _sandbox.Http.PutAsJsonAsync($"/sandbox/accounts/{BobPhone}/privacy", new { readreceipts = "none" })).EnsureSuccessStatusCode();

        await _sandbox.Runtime.Network.SendReceiptFromAsync(bob, Read("3EB0SELF01", "read-self"), CancellationToken.None);
        Assert.Equal(0, _sandbox.Runtime.Rules.BreachCount(ServerRule.R13));
        await _sandbox.Runtime.Network.SendReceiptFromAsync(bob, Read("3EB0READ01", "read"), CancellationToken.None);
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R13));

        // Receipts reach Alice in the order they were routed: the first one she gets is the plain read.
        var first = await alice.ReceiveAsync("receipt");
        Assert.Equal("3EB0READ01", first.Attr("id"));
        Assert.Equal("read", first.Attr("type"));

        // With read receipts on again, a read is not counted.
        (await _sandbox.Http.PutAsJsonAsync($"/sandbox/accounts/{BobPhone}/privacy", new { readreceipts = "all" })).EnsureSuccessStatusCode();
        await _sandbox.Runtime.Network.SendReceiptFromAsync(bob, Read("3EB0READ02", "read"), CancellationToken.None);
        Assert.Equal("3EB0READ02", (await alice.ReceiveAsync("receipt")).Attr("id"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R13));
    }

    [Fact]
    public async Task The_privacy_iq_answers_the_accounts_setting_and_a_clients_privacy_set_changes_it()
    {
        var account = (await _sandbox.Runtime.Accounts.FindAsync(AlicePhone, CancellationToken.None))!;
        var settings = new ReadReceiptSettings(new RuleBook(true, NullLogger<RuleBook>.Instance));
        var handler = new IqHandler(_sandbox.Runtime.Accounts, _sandbox.Runtime.Keys, () => new MediaConnInfo("a", "127.0.0.1:1"), new RuleBook(true, NullLogger<RuleBook>.Instance)) { ReadReceipts = settings };
        var device = new ConnectedDevice(account, 1);

        Assert.Equal("all", await ReadReceiptsAsync(handler, device));
        var set = new Node("iq", NodeAttributes.Of(("id", "s1"), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "privacy")), [
            new Node("privacy", null, [new Node("category", NodeAttributes.Of(("name", "readreceipts"), ("value", "none")))]),
        ]);
        Assert.Equal("result", (await handler.HandleAsync(device, set, CancellationToken.None)).Attr("type"));
        Assert.Equal("none", settings.Of(AlicePhone));
        Assert.Equal("none", await ReadReceiptsAsync(handler, device));
        Assert.Equal("all", settings.Of(BobPhone));
    }

    [Fact]
    public async Task The_control_api_shows_and_sets_read_receipts_and_refuses_other_values_and_unknown_accounts()
    {
        Assert.Equal("all", (await _sandbox.Http.GetFromJsonAsync<JsonNode>($"/sandbox/accounts/{AlicePhone}/privacy"))!["readreceipts"]!.GetValue<string>());
        var set = await _sandbox.Http.PutAsJsonAsync($"/sandbox/accounts/{AlicePhone}/privacy", new { readreceipts = "none" });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal("none", (await _sandbox.Http.GetFromJsonAsync<JsonNode>($"/sandbox/accounts/{AlicePhone}/privacy"))!["readreceipts"]!.GetValue<string>());

        var wrong = await _sandbox.Http.PutAsJsonAsync($"/sandbox/accounts/{AlicePhone}/privacy", new { readreceipts = "contacts" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("readreceipts", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _sandbox.Http.PutAsJsonAsync("/sandbox/accounts/15559999999/privacy", new { readreceipts = "all" })).StatusCode);
    }

    private static Node Read(string id, string type) =>
        new("receipt", NodeAttributes.Of(("id", id), ("to", AlicePhone + "@s.whatsapp.net"), ("type", type), ("t", "1767000000")));

    private static async Task<string?> ReadReceiptsAsync(IqHandler handler, ConnectedDevice device)
    {
        var get = new Node("iq", NodeAttributes.Of(("id", "g1"), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "privacy")), [new Node("privacy")]);
        var answer = await handler.HandleAsync(device, get, CancellationToken.None);
        return answer.RequiredChild("privacy").ChildrenNamed("category").Single(c => c.Attr("name") == "readreceipts").Attr("value");
    }
}
