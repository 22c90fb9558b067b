using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Devices;

/// <summary>
/// A hosted (Cloud API) device: usync marks it <c>is_hosted</c>, WhatsApp gives it device id 99, and it is addressed on
/// the <c>hosted</c> server (<c>hosted.lid</c> in the LID namespace). 1:1 messages must include it (SERVER-RULES R4);
/// only group sends leave it out.
/// </summary>
public static class HostedDevice
{
    /// <summary>The device id WhatsApp gives a hosted device.</summary>
    public const int Id = 99;

    /// <summary>
    /// The JID of <paramref name="user"/>'s device <paramref name="device"/>: on the hosted server of the user's namespace
    /// when it is the hosted device, else on the user's own server.
    /// </summary>
    public static Jid Of(Jid user, int device) => device == Id
        ? new Jid(user.User, user.Server == JidServers.Lid ? JidServers.HostedLid : JidServers.Hosted, Id)
        : user with { Device = (ushort)device, Agent = null };
}
