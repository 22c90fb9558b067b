using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>One device a message is encrypted for.</summary>
/// <param name="DeviceJid">The device JID the <c>&lt;to&gt;</c> names.</param>
/// <param name="Address">The Signal address of its session.</param>
/// <param name="Own">True for our own other devices (they get the device-sent wrapping).</param>
internal sealed record SendTarget(string DeviceJid, SignalAddress Address, bool Own);
