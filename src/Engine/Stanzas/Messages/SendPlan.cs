using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>What the sender learned before encrypting: the devices to send to and bundles for those without a session.</summary>
/// <param name="To">The stanza's <c>to</c>: the chat in the namespace every target is addressed in (SERVER-RULES R1).</param>
/// <param name="Targets">Every device to encrypt for.</param>
/// <param name="Bundles">Prekey bundles for targets that had no session.</param>
internal sealed record SendPlan(string To, IReadOnlyList<SendTarget> Targets, IReadOnlyDictionary<SignalAddress, PreKeyBundle> Bundles);
