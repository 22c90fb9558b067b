using System.Globalization;
using WaEngine.Engine.Binary;

namespace WaEngine.Bench;

/// <summary>
/// The nodes both benchmark suites use; bench/binary-node.mjs builds the same two nodes for Baileys (keep them in step:
/// both print the encoded length).
/// </summary>
public static class BenchNodes
{
    /// <summary>An outgoing text message fanned out to two devices, with the device identity.</summary>
    public static Node Message() => new(
        "message",
        NodeAttributes.Of(("id", "3EB0C4A1F2E5D6B7A8C9"), ("to", "15551234567@s.whatsapp.net"), ("type", "text"), ("t", "1718000000")),
        [
            new Node("participants", null, [
                new Node("to", NodeAttributes.Of(("jid", "15551234567:1@s.whatsapp.net")), [
                    new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "pkmsg")), Filled(600)),
                ]),
                new Node("to", NodeAttributes.Of(("jid", "15551234567:2@s.whatsapp.net")), [
                    new Node("enc", NodeAttributes.Of(("v", "2"), ("type", "msg")), Filled(200)),
                ]),
            ]),
            new Node("device-identity", null, Filled(150)),
        ]);

    /// <summary>A usync-style iq with 50 user children.</summary>
    public static Node IqWith50Children()
    {
        var users = new List<Node>(50);
        for (var i = 0; i < 50; i++)
        {
            var jid = string.Create(CultureInfo.InvariantCulture, $"155500{i:D5}@s.whatsapp.net");
            users.Add(new Node("user", NodeAttributes.Of(("jid", jid)), [new Node("devices", NodeAttributes.Of(("version", "2")))]));
        }

        return new Node("iq", NodeAttributes.Of(("id", "1234.5678-9"), ("to", "@s.whatsapp.net"), ("type", "get"), ("xmlns", "usync")), users);
    }

    private static byte[] Filled(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + 7);
        }

        return bytes;
    }
}
