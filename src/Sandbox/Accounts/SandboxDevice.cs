using WaEngine.Engine.Binary;
namespace WaEngine.Sandbox.Accounts;

/// <summary>One device of an account: 0 is the primary phone, higher ids are paired companions.</summary>
public sealed record SandboxDevice(string Phone, int DeviceId, int KeyIndex, string? Platform)
{
    /// <summary>The device JID, e.g. <c>15550001111:1@s.whatsapp.net</c> (no device part for the primary; a hosted device is on <c>hosted</c>).</summary>
    public string Jid => DeviceJid.Format(Phone, DeviceId, IsHosted ? JidServers.Hosted : JidServers.WhatsApp);

    /// <summary>Whether this is the account's hosted (Cloud API) device, id 99 (R4).</summary>
    public bool IsHosted => DeviceId == Engine.Stanzas.Devices.HostedDevice.Id;
}
