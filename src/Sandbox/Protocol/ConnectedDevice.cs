using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Protocol;

/// <summary>The device behind one logged-in connection: its account and device id.</summary>
public sealed record ConnectedDevice(SandboxAccount Account, int DeviceId)
{
    /// <summary>The device's phone-number JID (<c>phone:device@s.whatsapp.net</c>, no device part for the primary).</summary>
    public string Jid => DeviceJid.Format(Account.Phone, DeviceId);

    /// <summary>The device's LID JID.</summary>
    public string LidJid => DeviceJid.Format(Account.Lid, DeviceId, JidServers.Lid);
}
