using WaEngine.Engine.Crypto;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>The bounded word a decrypt failure is counted under in the line's metrics (never free text).</summary>
internal static class DecryptFailureKinds
{
    /// <summary><c>no_session</c>, <c>bad_mac</c>, <c>invalid_prekey_id</c>, <c>invalid_message</c>, <c>invalid_signature</c>, <c>too_many_skipped</c>, <c>untrusted_identity</c>, <c>duplicate</c>, or <c>crypto</c> for anything else.</summary>
    public static string Of(Exception failure) => failure switch
    {
        SignalException signal => signal.Kind switch
        {
            SignalErrorKind.NoSession => "no_session",
            SignalErrorKind.BadMac => "bad_mac",
            SignalErrorKind.InvalidPreKeyId => "invalid_prekey_id",
            SignalErrorKind.InvalidMessage => "invalid_message",
            SignalErrorKind.InvalidSignature => "invalid_signature",
            SignalErrorKind.TooManySkipped => "too_many_skipped",
            SignalErrorKind.UntrustedIdentity => "untrusted_identity",
            SignalErrorKind.Duplicate => "duplicate",
            _ => "signal",
        },
        CryptoException => "crypto",
        _ => "other",
    };
}
