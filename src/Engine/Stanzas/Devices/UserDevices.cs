namespace WaEngine.Engine.Stanzas.Devices;

/// <summary>One user of a usync answer: its bare JID, its device ids and, when the server said, its LID.</summary>
/// <param name="UserJid">The bare user JID the server answered for.</param>
/// <param name="DeviceIds">The user's device ids (0 is the phone).</param>
/// <param name="Lid">The user's LID JID, or null.</param>
public sealed record UserDevices(string UserJid, IReadOnlyList<int> DeviceIds, string? Lid);
