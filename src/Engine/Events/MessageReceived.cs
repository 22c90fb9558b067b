using WaEngine.Engine.Session;
using WaEngine.Engine.Messaging;

namespace WaEngine.Engine.Events;

/// <summary>Fires after an inbound message (or our own message sent from another device) was stored and acknowledged.</summary>
/// <param name="LineId">The line.</param>
/// <param name="At">When it was stored.</param>
/// <param name="Message">The stored message.</param>
public sealed record MessageReceived(LineId LineId, DateTimeOffset At, MessageRecord Message) : LineEvent(LineId, At);
