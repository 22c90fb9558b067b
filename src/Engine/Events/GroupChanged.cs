using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas.Groups;

namespace WaEngine.Engine.Events;

/// <summary>Fires after a <c>w:gp2</c> notification's change was applied to the line's stored group and journalled (its webhook is on the way).</summary>
/// <param name="LineId">The line.</param>
/// <param name="At">When the change was applied.</param>
/// <param name="Change">The change.</param>
public sealed record GroupChanged(LineId LineId, DateTimeOffset At, GroupChange Change) : LineEvent(LineId, At);
