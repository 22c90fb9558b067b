using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>
/// R1 (one address namespace per 1:1 stanza, else ack error 400) and R3 (a retry resend is one top-level enc to one
/// device with <c>device_fanout="false"</c>, else 479): hand-built stanzas a wrong client would send, through the router.
/// </summary>
public sealed class MessageShapeRuleTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private RunningSandbox _sandbox = null!;
    private SandboxAccount _alice = null!;
    private SandboxAccount _bob = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await RunningSandbox.StartAsync(_data.Path);
        _alice = await _sandbox.Runtime.Accounts.CreateAsync("15550201001", "Alice", null, CancellationToken.None);
        _bob = await _sandbox.Runtime.Accounts.CreateAsync("15550201002", "Bob", null, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        _data.Dispose();
    }

    public static TheoryData<string, string, string> MixedStanzas => new()
    {
        // to, a peer device, an own device
        { "PN to, LID peer device", "{bob}@s.whatsapp.net", "{bobLid}:0@lid" },
        { "LID to, PN peer device", "{bobLid}@lid", "{bob}:0@s.whatsapp.net" },
    };

    [Theory]
    [MemberData(nameof(MixedStanzas))]
    public async Task R1_a_stanza_mixing_phone_numbers_and_lids_is_refused_with_400(string name, string to, string peerDevice)
    {
        var stanza = Message(Fill(to), [Participant(Fill(peerDevice), count: null)]);

        var ack = await SendAsync(stanza);

        Assert.True(ack.Attr("error") == "400", $"{name}: {ack}");
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
    }

    [Fact]
    public async Task R1_own_devices_by_phone_number_in_a_lid_stanza_are_refused()
    {
        // The engine's old shape: the peer by LID (once a LID session existed), our own devices still by phone number.
        var stanza = Message(_bob.LidJid, [Participant(_bob.Lid + ":0@lid", null), Participant(_alice.Phone + ":2@s.whatsapp.net", null)]);

        var ack = await SendAsync(stanza);

        Assert.Equal("400", ack.Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R1));
    }

    [Fact]
    public void R1_one_namespace_throughout_is_fine_and_groups_are_not_looked_at()
    {
        Assert.Null(MessageShapeRules.MixedNamespace(Message(_bob.Jid, [Participant(_bob.Phone + ":0@s.whatsapp.net", null), Participant(_alice.Phone + ":3@s.whatsapp.net", null)])));
        Assert.Null(MessageShapeRules.MixedNamespace(Message(_bob.LidJid, [Participant(_bob.Lid + ":1@lid", null), Participant(_alice.Lid + ":3@lid", null)])));
        Assert.Null(MessageShapeRules.MixedNamespace(Message("120363000000000001@g.us", [Participant(_bob.Lid + ":1@lid", null), Participant(_alice.Phone + ":3@s.whatsapp.net", null)])));
        Assert.Contains("participant", MessageShapeRules.MixedNamespace(Message(_bob.Jid, [Participant(_alice.Lid + ":3@lid", null)])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task R3_baileys_rc14_one_to_one_retry_shape_is_refused_with_479()
    {
        // Baileys 7.0.0-rc14 answers a 1:1 retry receipt with the enc twice: at the top and in a <participants> fan-out
        // (WhiskeySockets/Baileys#2781, refused by WhatsApp with smax-invalid 479).
        var stanza = new Node("message", NodeAttributes.Of(("id", "3EB0RETRY1"), ("to", _bob.Phone + ":1@s.whatsapp.net"), ("type", "text"), ("device_fanout", "false")), [
            new Node("participants", null, [Participant(_bob.Phone + ":1@s.whatsapp.net", null)]),
            Enc(count: "1"),
        ]);

        var ack = await SendAsync(stanza);

        Assert.Equal("479", ack.Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R3));
        var problem = MessageShapeRules.RetryShapeProblem(stanza)!;
        Assert.Contains("<participants>", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task R3_a_retry_in_a_participants_list_without_device_fanout_is_refused_with_479()
    {
        // The engine's old resend: the one device as the only participant, its enc carrying the retry count.
        var stanza = Message(_bob.Phone + ":1@s.whatsapp.net", [Participant(_bob.Phone + ":1@s.whatsapp.net", count: "2")]);

        var ack = await SendAsync(stanza);

        Assert.Equal("479", ack.Attr("error"));
        Assert.Equal(1, _sandbox.Runtime.Rules.BreachCount(ServerRule.R3));
        var problem = MessageShapeRules.RetryShapeProblem(stanza)!;
        Assert.Contains("device_fanout is missing", problem, StringComparison.Ordinal);
        Assert.Contains("0 top-level enc", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void R3_the_reference_shape_passes_and_ordinary_messages_are_not_retries()
    {
        var reference = new Node("message", NodeAttributes.Of(("id", "3EB0RETRY2"), ("to", _bob.Phone + ":1@s.whatsapp.net"), ("type", "text"), ("device_fanout", "false"), ("t", "1767000000")), [Enc(count: "1")]);
        Assert.Null(MessageShapeRules.RetryShapeProblem(reference));
        Assert.True(MessageShapeRules.IsRetryResend(reference));

        var ordinary = Message(_bob.Jid, [Participant(_bob.Phone + ":0@s.whatsapp.net", null)]);
        Assert.Null(MessageShapeRules.RetryShapeProblem(ordinary));
        Assert.False(MessageShapeRules.IsRetryResend(ordinary));
    }

    [Fact]
    public async Task R1_R3_a_lenient_sandbox_counts_the_breaches_and_routes_the_stanza()
    {
        await using var lenient = await RunningSandbox.StartAsync(Path.Combine(_data.Path, "lenient"), strict: false);
        var alice = await lenient.Runtime.Accounts.CreateAsync("15550201001", "Alice", null, CancellationToken.None);
        var bob = await lenient.Runtime.Accounts.CreateAsync("15550201002", "Bob", null, CancellationToken.None);
        var mixed = Message(bob.Jid, [Participant(alice.Lid + ":3@lid", null)]);
        var retry = Message(bob.Phone + ":1@s.whatsapp.net", [Participant(bob.Phone + ":1@s.whatsapp.net", count: "1")]);

        var acks = new List<Node>();
        await lenient.Runtime.Network.SendFromAsync(new ConnectedDevice(alice, 0), mixed, acks.Add, CancellationToken.None);
        await lenient.Runtime.Network.SendFromAsync(new ConnectedDevice(alice, 0), retry, acks.Add, CancellationToken.None);

        Assert.All(acks, ack => Assert.Null(ack.Attr("error")));
        Assert.Equal(2, acks.Count);
        Assert.Equal(1, lenient.Runtime.Rules.BreachCount(ServerRule.R1));
        Assert.Equal(1, lenient.Runtime.Rules.BreachCount(ServerRule.R3));
    }

    private async Task<Node> SendAsync(Node stanza)
    {
        var acks = new List<Node>();
        await _sandbox.Runtime.Network.SendFromAsync(new ConnectedDevice(_alice, 0), stanza, acks.Add, CancellationToken.None);
        return Assert.Single(acks);
    }

    private string Fill(string template) => template.Replace("{bobLid}", _bob.Lid, StringComparison.Ordinal).Replace("{bob}", _bob.Phone, StringComparison.Ordinal);

    private static Node Message(string to, IReadOnlyList<Node> participants) =>
        new("message", NodeAttributes.Of(("id", "3EB0" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant()), ("to", to), ("type", "text")), [new Node("participants", null, participants)]);

    private static Node Participant(string jid, string? count) => new("to", NodeAttributes.Of(("jid", jid)), [Enc(count)]);

    private static Node Enc(string? count) => count is null
        ? new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg")), new byte[] { 1, 2, 3 })
        : new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg"), ("count", count)), new byte[] { 1, 2, 3 });
}
