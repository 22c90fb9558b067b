using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Groups;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Storage;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Groups;

/// <summary>The shape of a group message's fan-out, its refusals, its ack and the receipts that travel back.</summary>
public sealed class GroupMessageRouterTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _data = new();
    private readonly List<(string Phone, int Device, Node Stanza)> _delivered = [];
    private SandboxGroups _groups = null!;
    private AccountRegistry _accounts = null!;
    private SandboxAccount _alice = null!;
    private SandboxAccount _bob = null!;
    private SandboxAccount _carol = null!;
    private string _group = null!;

    public async Task InitializeAsync()
    {
        var database = await SandboxDatabase.OpenAsync(_data.Path, CancellationToken.None);
        _accounts = new AccountRegistry(database, TimeProvider.System);
        _groups = new SandboxGroups(database, _accounts, new StanzaQueue(database, TimeProvider.System), new RuleBook(true, NullLogger<RuleBook>.Instance), DeliverAsync, TimeProvider.System, NullLoggerFactory.Instance);
        await _accounts.CreateAsync("15550001111", "Alice", null, CancellationToken.None);
        await _accounts.AddCompanionAsync("15550001111", 1, 1, new byte[32], "web", CancellationToken.None);
        await _accounts.CreateAsync("15550002222", "Bob", null, CancellationToken.None);
        await _accounts.AddCompanionAsync("15550002222", 2, 1, new byte[32], "web", CancellationToken.None);
        await _accounts.AddCompanionAsync("15550002222", 99, 2, new byte[32], "hosted", CancellationToken.None);
        _alice = (await _accounts.FindAsync("15550001111", CancellationToken.None))!;
        _bob = (await _accounts.FindAsync("15550002222", CancellationToken.None))!;
        _carol = await _accounts.CreateAsync("15550003333", "Carol", null, CancellationToken.None);
        var (group, _) = await _groups.Membership.CreateAsync(_alice, "Team", [_bob.Jid], AddressingMode.Lid, CancellationToken.None);
        _group = group.Jid;
        _delivered.Clear();
    }

    public async Task DisposeAsync() => await _groups.StopAsync();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Each_other_device_gets_the_skmsg_with_its_own_part_and_the_ack_carries_the_participant_hash()
    {
        var bobCompanion = DeviceJid.Format(_bob.Lid, 2, JidServers.Lid);
        var message = new Node("message", NodeAttributes.Of(("to", _group), ("id", "M1"), ("type", "text"), ("addressing_mode", "lid")), [
            new Node("participants", null, [
                new Node("to", NodeAttributes.Of(("jid", bobCompanion)), [Enc("pkmsg", 1)]),
                new Node("to", NodeAttributes.Of(("jid", _bob.LidJid)), [Enc("msg", 2)]),
            ]),
            Enc("skmsg", 9),
            new Node("device-identity", null, new byte[] { 7 }),
        ]);

        var ack = await RouteAsync(new ConnectedDevice(_alice, 1), message);
        await _groups.DrainPhonesAsync(CancellationToken.None);

        Assert.Null(ack.Attr("error"));
        var devices = (await _groups.Store.FindAsync(_group[..^5], CancellationToken.None))!;
        var expectedHash = ParticipantHash.Of([
            new Jid(_alice.Lid, JidServers.Lid), new Jid(_alice.Lid, JidServers.Lid, 1), new Jid(_bob.Lid, JidServers.Lid), new Jid(_bob.Lid, JidServers.Lid, 2),
        ]);
        Assert.Equal(expectedHash, ack.Attr("phash"));
        Assert.Equal(2, devices.Members.Count);

        // Not the sending device, not Bob's hosted device (R4: hosted devices take no group messages).
        Assert.Equal(["15550001111:0", "15550002222:0", "15550002222:2"], _delivered.Select(d => $"{d.Phone}:{d.Device}").Order().ToArray());
        var atCompanion = _delivered.Single(d => d.Device == 2).Stanza;
        Assert.Equal(_group, atCompanion.Attr("from"));
        Assert.Equal(DeviceJid.Format(_alice.Lid, 1, JidServers.Lid), atCompanion.Attr("participant"));
        Assert.Equal(_alice.Jid, atCompanion.Attr("participant_pn"));
        Assert.Equal("lid", atCompanion.Attr("addressing_mode"));
        Assert.Equal("Alice", atCompanion.Attr("notify"));
        Assert.Equal(["pkmsg", "skmsg"], atCompanion.ChildrenNamed("enc").Select(e => e.Attr("type")!).ToArray());
        Assert.NotNull(atCompanion.Child("device-identity"));
        var atBobsPhone = _delivered.Single(d => d.Phone == _bob.Phone && d.Device == 0).Stanza;
        Assert.Equal(["msg", "skmsg"], atBobsPhone.ChildrenNamed("enc").Select(e => e.Attr("type")!).ToArray());
        Assert.Null(atBobsPhone.Child("device-identity"));
        Assert.Equal(["skmsg"], _delivered.Single(d => d.Phone == _alice.Phone).Stanza.ChildrenNamed("enc").Select(e => e.Attr("type")!).ToArray());
    }

    [Fact]
    public async Task Strangers_unknown_groups_and_non_admins_of_an_announcement_group_are_refused_and_nothing_is_routed()
    {
        Assert.Equal("403", (await RouteAsync(new ConnectedDevice(_carol, 0), Skmsg(_group, "M2"))).Attr("error"));
        Assert.Equal("404", (await RouteAsync(new ConnectedDevice(_alice, 1), Skmsg("120363000000000001@g.us", "M3"))).Attr("error"));
        await _groups.Store.SetAnnounceAsync(_group[..^5], true, CancellationToken.None);
        Assert.Equal("401", (await RouteAsync(new ConnectedDevice(_bob, 2), Skmsg(_group, "M4"))).Attr("error"));
        Assert.Null((await RouteAsync(new ConnectedDevice(_alice, 1), Skmsg(_group, "M5"))).Attr("error"));
        await _groups.DrainPhonesAsync(CancellationToken.None);
        Assert.All(_delivered, d => Assert.Equal("M5", d.Stanza.Attr("id")));
    }

    [Fact]
    public async Task A_retry_resend_goes_to_the_one_device_named_and_receipts_travel_back_through_the_group()
    {
        var bobCompanion = DeviceJid.Format(_bob.Lid, 2, JidServers.Lid);
        await RouteAsync(new ConnectedDevice(_alice, 1), Skmsg(_group, "M6"));
        await _groups.DrainPhonesAsync(CancellationToken.None);
        _delivered.Clear();

        var resend = new Node("message", NodeAttributes.Of(("to", _group), ("participant", bobCompanion), ("id", "M6"), ("type", "text"), ("t", "1700000000")),
            [new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "pkmsg"), ("count", "1")), new byte[] { 1 })]);
        await RouteAsync(new ConnectedDevice(_alice, 1), resend);
        var only = Assert.Single(_delivered);
        Assert.Equal((_bob.Phone, 2), (only.Phone, only.Device));
        Assert.Equal("1700000000", only.Stanza.Attr("t"));
        _delivered.Clear();

        var receipt = new Node("receipt", NodeAttributes.Of(("to", _group), ("participant", DeviceJid.Format(_alice.Lid, 1, JidServers.Lid)), ("id", "M6"), ("type", "read")));
        await _groups.Messages.RouteReceiptAsync(new ConnectedDevice(_bob, 2), receipt, CancellationToken.None);
        var back = Assert.Single(_delivered);
        Assert.Equal((_alice.Phone, 1), (back.Phone, back.Device));
        Assert.Equal(_group, back.Stanza.Attr("from"));
        Assert.Equal(bobCompanion, back.Stanza.Attr("participant"));
        Assert.Equal("read", back.Stanza.Attr("type"));
    }

    private async Task<Node> RouteAsync(ConnectedDevice sender, Node message)
    {
        Node? ack = null;
        await _groups.Messages.RouteMessageAsync(sender, message, a => ack = a, CancellationToken.None);
        return ack!;
    }

    private static Node Skmsg(string to, string id) =>
        new("message", NodeAttributes.Of(("to", to), ("id", id), ("type", "text")), [Enc("skmsg", 9)]);

    private static Node Enc(string type, byte marker) => new("enc", NodeAttributes.Of(("v", "2"), ("type", type)), new[] { marker });

    private Task DeliverAsync(SandboxAccount account, int device, string stanzaClass, string id, Node stanza, CancellationToken cancellationToken)
    {
        lock (_delivered)
        {
            _delivered.Add((account.Phone, device, stanza));
        }

        return Task.CompletedTask;
    }
}
