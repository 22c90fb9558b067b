using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Sandbox.Protocol;

/// <summary>Builders for the nodes the server side sends. JID attributes are always written as JIDs.</summary>
public static class ServerNodes
{
    /// <summary>The server's own JID, written as a JID pair with an empty user (<c>FA 00 03</c>).</summary>
    public const string ServerJid = "@s.whatsapp.net";

    /// <summary><c>&lt;iq type="result" id from="s.whatsapp.net"&gt;children&lt;/iq&gt;</c> answering <paramref name="request"/>.</summary>
    public static Node Result(Node request, params Node[] children) =>
        children.Length == 0
            ? new Node("iq", Attrs(request))
            : new Node("iq", Attrs(request), children);

    /// <summary><c>&lt;iq type="error"&gt;&lt;error code text/&gt;&lt;/iq&gt;</c> answering <paramref name="request"/>.</summary>
    public static Node Error(Node request, int code, string text) =>
        new("iq", NodeAttributes.Of(("id", request.Attr("id") ?? ""), ("type", "error"), ("from", ServerJid)),
            [new Node("error", NodeAttributes.Of(("code", code.ToString(CultureInfo.InvariantCulture)), ("text", text)))]);

    /// <summary>A child node with only attributes.</summary>
    public static Node Leaf(string tag, params (string Key, string Value)[] attributes) => new(tag, NodeAttributes.Of(attributes));

    /// <summary>A child node with binary content.</summary>
    public static Node Bytes(string tag, ReadOnlyMemory<byte> content) => new(tag, null, content);

    /// <summary>A 3-byte big-endian id (prekey and signed-prekey ids on the wire).</summary>
    public static byte[] Id24(long id) => [(byte)(id >> 16), (byte)(id >> 8), (byte)id];

    /// <summary>A 4-byte big-endian registration id.</summary>
    public static byte[] Id32(long id) => [(byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id];

    /// <summary>Reads a big-endian id of 1 to 4 bytes.</summary>
    public static int ReadId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length is 0 or > 4)
        {
            throw new StanzaException($"An id has {bytes.Length} bytes (expected 1 to 4).");
        }

        var value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static NodeAttributes Attrs(Node request) =>
        NodeAttributes.Of(("id", request.Attr("id") ?? ""), ("type", "result"), ("from", ServerJid));
}
