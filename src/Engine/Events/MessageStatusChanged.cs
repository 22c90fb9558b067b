using WaEngine.Engine.Session;
using WaEngine.Engine.Messaging;

namespace WaEngine.Engine.Events;

/// <summary>Fires when one of our outbound messages moved to a new status (after the change was stored).</summary>
/// <param name="LineId">The line.</param>
/// <param name="At">When it changed.</param>
/// <param name="MsgId">The message id.</param>
/// <param name="ChatJid">Its chat.</param>
/// <param name="Status">The new status.</param>
/// <param name="Error">For <see cref="MessageStatus.Failed"/>: why, with the server's code when there was one.</param>
public sealed record MessageStatusChanged(LineId LineId, DateTimeOffset At, string MsgId, string ChatJid, MessageStatus Status, string? Error) : LineEvent(LineId, At);
