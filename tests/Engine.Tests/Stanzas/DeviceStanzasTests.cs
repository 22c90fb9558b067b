using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Devices;

namespace WaEngine.Engine.Tests.Stanzas;

public class DeviceStanzasTests
{
    [Fact]
    public void The_device_query_asks_for_devices_and_lid_of_every_user()
    {
        var iq = DeviceStanzas.BuildDeviceQuery("q1", ["15550001111@s.whatsapp.net", "15550002222@s.whatsapp.net"]);
        Assert.Equal("usync", iq.Attr("xmlns"));
        Assert.Equal("get", iq.Attr("type"));
        var usync = iq.RequiredChild("usync");
        Assert.Equal("message", usync.Attr("context"));
        Assert.Equal("2", usync.RequiredChild("query").RequiredChild("devices").Attr("version"));
        Assert.NotNull(usync.RequiredChild("query").Child("lid"));
        Assert.Equal(["15550001111@s.whatsapp.net", "15550002222@s.whatsapp.net"], usync.RequiredChild("list").ChildrenNamed("user").Select(u => u.Attr("jid")!).ToArray());
    }

    [Fact]
    public void R4_a_usync_answer_keeps_the_phone_keyed_companions_and_the_hosted_device_and_drops_unkeyed_ones()
    {
        var answer = Iq(new Node("usync", null, [new Node("list", null, [
            new Node("user", NodeAttributes.Of(("jid", "15550001111@s.whatsapp.net")), [
                new Node("devices", null, [new Node("device-list", null, [
                    Leaf("device", ("id", "0")),
                    Leaf("device", ("id", "3"), ("key-index", "1")),
                    Leaf("device", ("id", "4")),
                    Leaf("device", ("id", "99"), ("key-index", "2"), ("is_hosted", "true")),
                    Leaf("device", ("id", "7"), ("key-index", "3"), ("is_hosted", "true")),
                ])]),
                Leaf("lid", ("val", "987654321@lid")),
            ]),
            new Node("user", NodeAttributes.Of(("jid", "15550002222@s.whatsapp.net")), [Leaf("error", ("code", "404"))]),
        ])]));

        var user = Assert.Single(DeviceStanzas.ParseDeviceList(answer));
        Assert.Equal("15550001111@s.whatsapp.net", user.UserJid);
        Assert.Equal([0, 3, 99], user.DeviceIds);
        Assert.Equal("987654321@lid", user.Lid);
    }

    [Theory]
    [InlineData("15550001111@s.whatsapp.net", 99, "15550001111:99@hosted")]
    [InlineData("987654321@lid", 99, "987654321:99@hosted.lid")]
    [InlineData("987654321@lid", 3, "987654321:3@lid")]
    [InlineData("15550001111@s.whatsapp.net", 0, "15550001111@s.whatsapp.net")]
    public void R4_the_hosted_device_is_addressed_on_the_hosted_server_of_its_namespace(string user, int device, string expected)
    {
        Assert.Equal(expected, DeviceJid.Format(HostedDevice.Of(Jid.Parse(user), device)));
    }

    [Fact]
    public void A_bundle_answer_reads_keys_and_maps_errors_to_no_bundle()
    {
        var identity = Filled(32, 1);
        var answer = Iq(new Node("list", null, [
            new Node("user", NodeAttributes.Of(("jid", "15550001111:3@s.whatsapp.net")), [
                Bytes("registration", [0, 0, 0x12, 0x34]),
                Bytes("type", [5]),
                Bytes("identity", identity),
                new Node("skey", null, [Bytes("id", [0, 0, 7]), Bytes("value", Filled(32, 2)), Bytes("signature", Filled(64, 3))]),
                new Node("key", null, [Bytes("id", [0, 1, 0]), Bytes("value", Filled(32, 4))]),
            ]),
            new Node("user", NodeAttributes.Of(("jid", "15550002222@s.whatsapp.net")), [Leaf("error", ("code", "404"), ("text", "item-not-found"))]),
        ]));

        var bundles = DeviceStanzas.ParseBundles(answer);
        var bundle = bundles["15550001111:3@s.whatsapp.net"]!;
        Assert.Equal(0x1234u, bundle.RegistrationId);
        Assert.Equal(3u, bundle.DeviceId);
        Assert.Equal(identity, bundle.IdentityKey);
        Assert.Equal(7u, bundle.SignedPreKeyId);
        Assert.Equal(256u, bundle.PreKeyId);
        Assert.Null(bundles["15550002222@s.whatsapp.net"]);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    public void A_bundle_with_a_wrong_key_length_is_refused_with_the_length(int length)
    {
        var answer = Iq(new Node("list", null, [
            new Node("user", NodeAttributes.Of(("jid", "15550001111@s.whatsapp.net")), [
                Bytes("registration", [0, 0, 0, 1]),
                Bytes("identity", Filled(length, 1)),
                new Node("skey", null, [Bytes("id", [0, 0, 7]), Bytes("value", Filled(32, 2)), Bytes("signature", Filled(64, 3))]),
            ]),
        ]));

        var error = Assert.Throws<StanzaException>(() => DeviceStanzas.ParseBundles(answer));
        Assert.Contains($"{length} bytes (expected 32)", error.Message, StringComparison.Ordinal);
    }

    internal static Node Iq(Node child) => new("iq", NodeAttributes.Of(("id", "q1"), ("type", "result"), ("from", "@s.whatsapp.net")), [child]);

    internal static Node Leaf(string tag, params (string, string)[] attributes) => new(tag, NodeAttributes.Of(attributes));

    internal static Node Bytes(string tag, byte[] content) => new(tag, null, content);

    internal static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();
}
