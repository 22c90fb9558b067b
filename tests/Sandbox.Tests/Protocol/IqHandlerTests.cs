using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Sandbox.Rules;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Storage;
using WaEngine.TestKit;
using static WaEngine.Sandbox.Protocol.ServerNodes;

namespace WaEngine.Sandbox.Tests.Protocol;

public sealed class IqHandlerTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _data = new();
    private AccountRegistry _accounts = null!;
    private DeviceKeyStore _keys = null!;
    private IqHandler _handler = null!;
    private RuleBook _rules = null!;
    private ConnectedDevice _alice = null!;
    private SandboxAccount _bob = null!;

    public async Task InitializeAsync()
    {
        var database = await SandboxDatabase.OpenAsync(_data.Path, CancellationToken.None);
        _accounts = new AccountRegistry(database, TimeProvider.System);
        _keys = new DeviceKeyStore(database);
        _rules = new RuleBook(strict: true, NullLogger<RuleBook>.Instance);
        _handler = new IqHandler(_accounts, _keys, () => new MediaConnInfo("auth-token", "127.0.0.1:4443"), _rules);
        _alice = new ConnectedDevice(await _accounts.CreateAsync("15550001111", "Alice", null, CancellationToken.None), 0);
        _bob = await _accounts.CreateAsync("15550002222", "Bob", "lid", CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Uploaded_prekeys_are_counted_and_handed_out_one_per_bundle()
    {
        var identity = Curve25519.GenerateKeyPair();
        var signed = Curve25519.GenerateKeyPair();
        var upload = PreKeyUpload(identity, signed, 4242, IqHandler.InitialPreKeyCount);

        AssertResult(await HandleAsync(_alice, upload));
        Assert.Equal("812", (await HandleAsync(_alice, Iq("get", "encrypt", Leaf("count")))).Child("count")!.Attr("value"));

        var fetch = Iq("get", "encrypt", new Node("key", null, [Leaf("user", ("jid", "15550001111@s.whatsapp.net"), ("reason", "identity"))]));
        var user = (await HandleAsync(_alice, fetch)).RequiredChild("list").RequiredChild("user");
        Assert.Equal("15550001111@s.whatsapp.net", user.Attr("jid"));
        Assert.Equal(Id32(4242), user.RequiredChildBytes("registration"));
        Assert.Equal(identity.PublicKey, user.RequiredChildBytes("identity"));
        Assert.True(Curve25519.Verify(identity.PublicKey, SignalKey.Prefix(user.RequiredChild("skey").RequiredChildBytes("value")), user.RequiredChild("skey").RequiredChildBytes("signature")));
        Assert.Equal(Id24(1), user.RequiredChild("key").RequiredChildBytes("id"));
        Assert.Equal("811", (await HandleAsync(_alice, Iq("get", "encrypt", Leaf("count")))).Child("count")!.Attr("value"));

        var digest = (await HandleAsync(_alice, Iq("get", "encrypt", Leaf("digest")))).RequiredChild("digest");
        Assert.Equal(identity.PublicKey, digest.RequiredChildBytes("identity"));
    }

    [Fact]
    public async Task Bundles_for_unknown_or_keyless_devices_carry_a_per_user_error()
    {
        var fetch = Iq("get", "encrypt", new Node("key", null, [Leaf("user", ("jid", "19999999999@s.whatsapp.net")), Leaf("user", ("jid", _bob.LidJid))]));
        var users = (await HandleAsync(_alice, fetch)).RequiredChild("list").ChildrenNamed("user").ToList();
        Assert.Equal(2, users.Count);
        Assert.All(users, u => Assert.Equal("404", u.RequiredChild("error").Attr("code")));
    }

    [Fact]
    public async Task Usync_lists_devices_with_key_index_and_the_lid_and_contact_state()
    {
        var query = Iq("get", "usync", new Node("usync", NodeAttributes.Of(("sid", "s1"), ("mode", "query"), ("context", "message"), ("last", "true"), ("index", "0")), [
            new Node("query", null, [Leaf("devices", ("version", "2")), Leaf("lid"), Leaf("contact")]),
            new Node("list", null, [Leaf("user", ("jid", "15550002222@s.whatsapp.net")), Leaf("user", ("jid", "19999999999@s.whatsapp.net")), new Node("user", null, [new Node("contact", null, "+1 555 000 1111")])]),
        ]));

        var usync = (await HandleAsync(_alice, query)).RequiredChild("usync");
        Assert.Equal("s1", usync.Attr("sid"));
        var users = usync.RequiredChild("list").ChildrenNamed("user").ToList();
        Assert.Equal(["15550002222@s.whatsapp.net", "19999999999@s.whatsapp.net", "15550001111@s.whatsapp.net"], users.Select(u => u.Attr("jid")));
        Assert.Equal(["0"], users[0].RequiredChild("devices").RequiredChild("device-list").Children.Select(d => d.Attr("id")));
        Assert.Equal(_bob.LidJid, users[0].RequiredChild("lid").Attr("val"));
        Assert.Equal("in", users[0].RequiredChild("contact").Attr("type"));
        Assert.Empty(users[1].RequiredChild("devices").RequiredChild("device-list").Children);
        Assert.Equal("out", users[1].RequiredChild("contact").Attr("type"));
        Assert.Equal("in", users[2].RequiredChild("contact").Attr("type"));
    }

    [Fact]
    public async Task Usync_names_a_user_asked_by_lid_by_that_lid_and_lists_its_devices()
    {
        var query = Iq("get", "usync", new Node("usync", NodeAttributes.Of(("sid", "s2"), ("mode", "query"), ("context", "message")), [
            new Node("query", null, [Leaf("devices", ("version", "2")), Leaf("lid")]),
            new Node("list", null, [Leaf("user", ("jid", _bob.LidJid)), Leaf("user", ("jid", "15550002222@s.whatsapp.net"))]),
        ]));

        var users = (await HandleAsync(_alice, query)).RequiredChild("usync").RequiredChild("list").ChildrenNamed("user").ToList();
        Assert.Equal([_bob.LidJid, "15550002222@s.whatsapp.net"], users.Select(u => u.Attr("jid")));
        Assert.Equal(["0"], users[0].RequiredChild("devices").RequiredChild("device-list").Children.Select(d => d.Attr("id")));
    }

    [Theory]
    [InlineData("get", "w:p", "ping", "result")]
    [InlineData("set", "passive", "active", "result")]
    [InlineData("get", "blocklist", null, "result")]
    [InlineData("get", "w:profile:picture", "picture", "error")]
    [InlineData("get", "made-up", "thing", "error")]
    public async Task Every_iq_gets_an_answer_with_its_id(string type, string xmlns, string? child, string expected)
    {
        var iq = child is null ? Iq(type, xmlns) : Iq(type, xmlns, Leaf(child));
        var answer = await HandleAsync(_alice, iq);
        Assert.Equal(expected, answer.Attr("type"));
        Assert.Equal(iq.Attr("id"), answer.Attr("id"));
        if (expected == "error")
        {
            Assert.Equal("501", answer.RequiredChild("error").Attr("code"));
        }
    }

    [Fact]
    public async Task R11_a_first_upload_of_fewer_than_812_prekeys_is_refused_and_stores_nothing()
    {
        var identity = Curve25519.GenerateKeyPair();
        var answer = await HandleAsync(_alice, PreKeyUpload(identity, Curve25519.GenerateKeyPair(), 1, 50));

        Assert.Equal("406", answer.RequiredChild("error").Attr("code"));
        Assert.Null(await _keys.FindAsync(_alice.Account.Phone, 0, CancellationToken.None));
        Assert.Equal(1, _rules.BreachCount(ServerRule.R11));

        // Once the first upload held 812, top-ups of any size are fine.
        AssertResult(await HandleAsync(_alice, PreKeyUpload(identity, Curve25519.GenerateKeyPair(), 1, IqHandler.InitialPreKeyCount)));
        AssertResult(await HandleAsync(_alice, PreKeyUpload(identity, Curve25519.GenerateKeyPair(), 1, 50, firstKeyId: 2000)));
        Assert.Equal(1, _rules.BreachCount(ServerRule.R11));
    }

    [Fact]
    public async Task R11_a_lenient_sandbox_counts_a_short_first_upload_and_takes_it()
    {
        var lenient = new IqHandler(_accounts, _keys, () => new MediaConnInfo("auth-token", "127.0.0.1:4443"), new RuleBook(strict: false, NullLogger<RuleBook>.Instance));
        var identity = Curve25519.GenerateKeyPair();

        AssertResult(await lenient.HandleAsync(_alice, PreKeyUpload(identity, Curve25519.GenerateKeyPair(), 1, 50), CancellationToken.None));
        Assert.Equal(50, await _keys.CountAsync(_alice.Account.Phone, 0, CancellationToken.None));
    }

    private static Node PreKeyUpload(KeyPair identity, KeyPair signed, int registrationId, int count, int firstKeyId = 1) =>
        Iq("set", "encrypt",
            Bytes("registration", Id32(registrationId)),
            Bytes("type", new byte[] { 5 }),
            Bytes("identity", identity.PublicKey),
            new Node("list", null, Enumerable.Range(firstKeyId, count).Select(i => new Node("key", null, [Bytes("id", Id24(i)), Bytes("value", Curve25519.GenerateKeyPair().PublicKey)]))),
            new Node("skey", null, [Bytes("id", Id24(7)), Bytes("value", signed.PublicKey), Bytes("signature", Curve25519.Sign(identity.PrivateKey, signed.SignalPublicKey))]));

    [Fact]
    public async Task A_malformed_upload_is_a_bad_request_and_stores_nothing()
    {
        var upload = Iq("set", "encrypt", Bytes("registration", Id32(1)), Bytes("type", new byte[] { 5 }), Bytes("identity", new byte[31]),
            new Node("skey", null, [Bytes("id", Id24(1)), Bytes("value", new byte[32]), Bytes("signature", new byte[64])]));
        var answer = await HandleAsync(_alice, upload);
        Assert.Equal("400", answer.RequiredChild("error").Attr("code"));
        Assert.Null(await _keys.FindAsync(_alice.Account.Phone, 0, CancellationToken.None));
    }

    [Fact]
    public async Task Media_conn_names_the_media_host_and_its_auth()
    {
        var conn = (await HandleAsync(_alice, Iq("set", "w:m", Leaf("media_conn")))).RequiredChild("media_conn");
        Assert.Equal("auth-token", conn.Attr("auth"));
        Assert.Equal("127.0.0.1:4443", conn.RequiredChild("host").Attr("hostname"));
    }

    private static Node Iq(string type, string xmlns, params Node[] children) =>
        new("iq", NodeAttributes.Of(("id", "1.2-" + Random.Shared.Next(1000)), ("to", ServerJid), ("type", type), ("xmlns", xmlns)), children);

    private async Task<Node> HandleAsync(ConnectedDevice device, Node iq)
    {
        // Through the codec both ways, as on the wire.
        var answer = await _handler.HandleAsync(device, BinaryDecoder.Decode(BinaryEncoder.Encode(iq)), CancellationToken.None);
        return BinaryDecoder.Decode(BinaryEncoder.Encode(answer));
    }

    private static void AssertResult(Node answer) => Assert.True(answer.Attr("type") == "result", $"expected a result, got {answer}");
}
