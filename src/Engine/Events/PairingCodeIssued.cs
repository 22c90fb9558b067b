using WaEngine.Engine.Session;
namespace WaEngine.Engine.Events;

/// <summary>Fires when the server accepted a phone-code pairing request; the user types <paramref name="Code"/> on the phone.</summary>
/// <param name="LineId">The line.</param>
/// <param name="At">When it was issued.</param>
/// <param name="Code">The 8-character code (no dash).</param>
/// <param name="Phone">The phone number the code links to.</param>
public sealed record PairingCodeIssued(LineId LineId, DateTimeOffset At, string Code, string Phone) : LineEvent(LineId, At);
