namespace WaEngine.Engine.Media.Retry;

/// <summary>
/// A <c>&lt;notification type="mediaretry"&gt;</c> as it arrived: the message it answers, the chat from its
/// <c>&lt;rmr&gt;</c>, and either the encrypted <c>MediaRetryNotification</c> (<see cref="Ciphertext"/> and <see cref="Iv"/>)
/// or the phone's error code (whatsmeow reads code 2 as "not available on the phone").
/// </summary>
/// <param name="MsgId">The id of the message whose media was asked for.</param>
/// <param name="ChatJid">The <c>rmr</c> chat JID.</param>
/// <param name="FromMe">The <c>rmr</c> <c>from_me</c>.</param>
/// <param name="Ciphertext">enc_p, or null with an error.</param>
/// <param name="Iv">enc_iv, or null with an error.</param>
/// <param name="ErrorCode">The <c>&lt;error code&gt;</c>, or null.</param>
public sealed record MediaRetryAnswer(string MsgId, string ChatJid, bool FromMe, byte[]? Ciphertext, byte[]? Iv, int? ErrorCode)
{
    /// <summary>The error code whatsmeow reads as "the media is not available on the phone".</summary>
    public const int NotOnPhoneCode = 2;
}
