using WaEngine.Engine.Session;
namespace WaEngine.Engine.Events;

/// <summary>Fires when a new QR code is to be shown: one per ref of the server's pair-device list, in order.</summary>
/// <param name="LineId">The line.</param>
/// <param name="At">When it was issued.</param>
/// <param name="Qr">The QR string (<c>https://wa.me/settings/linked_devices#ref,noise,identity,adv,platform</c>).</param>
/// <param name="ExpiresAt">When the actor moves on to the next ref (60 s for the first, 20 s for later ones by default).</param>
public sealed record QrCodeIssued(LineId LineId, DateTimeOffset At, string Qr, DateTimeOffset ExpiresAt) : LineEvent(LineId, At);
