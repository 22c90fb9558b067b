using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas.Calls;

namespace WaEngine.Engine.Events;

/// <summary>Fires when someone calls the line's account, once per call, after the offer was recorded; the line does not answer.</summary>
/// <param name="LineId">The line.</param>
/// <param name="At">When the offer arrived.</param>
/// <param name="Call">The call.</param>
public sealed record CallReceived(LineId LineId, DateTimeOffset At, IncomingCall Call) : LineEvent(LineId, At);
