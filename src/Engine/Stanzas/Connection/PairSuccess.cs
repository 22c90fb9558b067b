using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Connection;

/// <summary>The content of a server <c>&lt;iq type=set&gt;&lt;pair-success&gt;</c>.</summary>
/// <param name="IqId">The iq id the answer must carry.</param>
/// <param name="DeviceIdentity">The ADVSignedDeviceIdentityHMAC bytes.</param>
/// <param name="DeviceJid">Our new device JID.</param>
/// <param name="DeviceLid">Our new LID device JID, if sent.</param>
/// <param name="Platform">The primary's platform name, if sent.</param>
public sealed record PairSuccess(string IqId, byte[] DeviceIdentity, string DeviceJid, string? DeviceLid, string? Platform)
{
    /// <summary>Reads the iq; throws <see cref="StanzaException"/> naming every missing part.</summary>
    public static PairSuccess Parse(Node iq)
    {
        ArgumentNullException.ThrowIfNull(iq);
        var id = iq.Attr("id") ?? throw new StanzaException("pair-success iq has no id.");
        var success = iq.RequiredChild("pair-success");
        var identity = success.RequiredChildBytes("device-identity");
        var device = success.RequiredChild("device");
        var reader = new AttributeReader(device);
        var jid = reader.Jid("jid");
        var lid = reader.OptionalJid("lid");
        reader.ThrowIfInvalid();
        return new PairSuccess(id, identity, jid.ToString(), lid?.ToString(), success.Child("platform")?.Attr("name"));
    }
}
