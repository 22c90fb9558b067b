using WaEngine.Engine.Session;

namespace WaEngine.Engine.Events;

/// <summary>Fires on every status change of a line, with the reason (e.g. <c>qr_refs_ended</c>, <c>device_removed</c>).</summary>
/// <param name="LineId">The line.</param>
/// <param name="Change">From, to, reason and time.</param>
public sealed record StatusChanged(LineId LineId, LineStatusChange Change) : LineEvent(LineId, Change.At);
