using System.Globalization;

namespace WaEngine.Engine.Binary;

/// <summary>
/// The one way a device JID is written: <c>user:device@server</c>, and for device 0 (the phone) the bare
/// <c>user@server</c>, as WhatsApp names it in stanzas.
/// </summary>
public static class DeviceJid
{
    /// <summary>The device JID of <paramref name="device"/> of <paramref name="user"/> on <paramref name="server"/>.</summary>
    public static string Format(string user, int device, string server = JidServers.WhatsApp) =>
        device == 0 ? $"{user}@{server}" : string.Create(CultureInfo.InvariantCulture, $"{user}:{device}@{server}");

    /// <summary>The device JID of a parsed JID (its agent dropped, device 0 collapsed).</summary>
    public static string Format(Jid device) => Format(device.User, device.Device ?? 0, device.Server);
}
