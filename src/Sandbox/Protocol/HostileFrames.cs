using System.Globalization;
using WaEngine.Engine.Binary;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// What a hostile or broken server sends (issue #18's protocol faults): a frame that decrypts to no node, a frame near
/// the size ceiling, stanzas of no known kind. A client must refuse or ignore them, say why in its log, ack what must be
/// acked (R6), and carry on — reconnecting if it chose to end the connection — losing nothing.
/// </summary>
internal static class HostileFrames
{
    /// <summary>The oversized frame's blob: 8 MiB, half of what a 3-byte frame length can announce.</summary>
    public const int OversizedBlobBytes = 8 * 1024 * 1024;

    // Flag 2 says "zlib-compressed"; what follows does not inflate.
    private static readonly byte[] NotANode = [2, 0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x11];

    /// <summary>Queues the frames of <paramref name="kind"/> (<see cref="FaultKind.MalformedNode"/>, <see cref="FaultKind.OversizedFrame"/> or <see cref="FaultKind.UnknownStanza"/>) to <paramref name="connection"/>.</summary>
    public static void Send(ServerConnection connection, FaultKind kind)
    {
        switch (kind)
        {
            case FaultKind.MalformedNode:
                connection.SendRaw(NotANode);
                break;
            case FaultKind.OversizedFrame:
                connection.Send(new Node("notification", Attributes(connection, "hostile_blob"), [new Node("blob", null, new byte[OversizedBlobBytes])]));
                break;
            case FaultKind.UnknownStanza:
                connection.Send(new Node("hostile_kind", NodeAttributes.Of(("from", JidServers.WhatsApp)), [new Node("unheard_of", NodeAttributes.Of(("v", "1")))]));
                connection.Send(new Node("notification", Attributes(connection, "hostile_kind"), [new Node("unheard_of", null)]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a hostile frame kind.");
        }
    }

    private static NodeAttributes Attributes(ServerConnection connection, string type) => NodeAttributes.Of(
        ("id", connection.NextId()),
        ("from", JidServers.WhatsApp),
        ("type", type),
        ("t", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
}
