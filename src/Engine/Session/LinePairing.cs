using System.Text;
using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Session;

/// <summary>
/// The pairing part of one connection's state, owned by the actor's loop: the QR refs being shown and their timer,
/// a phone-code request waiting for the connection, and the one in progress.
/// </summary>
internal sealed class LinePairing(LineOptions options, TimeProvider time)
{
    private QrRotation? _qr;
    private ITimer? _qrTimer;
    private int _qrSequence;

    /// <summary>The phone-code pairing in progress on this connection, if any.</summary>
    public CodePairing? Code { get; private set; }

    /// <summary>A pairing-code request that arrived before the server's pair-device iq.</summary>
    public LineMail.RequestPairingCode? Deferred { get; set; }

    /// <summary>True once the server's pair-device list arrived on this connection.</summary>
    public bool HasRefs => _qr is not null;

    public static string NormalizePhone(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var digits = new StringBuilder(phone.Length);
        foreach (var c in phone)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not ('+' or ' ' or '-' or '(' or ')'))
            {
                throw new ArgumentException($"The phone number \"{phone}\" has a character that is not a digit: '{c}'.", nameof(phone));
            }
        }

        if (digits.Length is < 6 or > 15)
        {
            throw new ArgumentException($"The phone number \"{phone}\" has {digits.Length} digits (expected 6 to 15).", nameof(phone));
        }

        return digits.ToString();
    }

    public bool IsCurrentQr(int sequence) => sequence == _qrSequence && Code is null && _qr is not null;

    public void SetRefs(Node pairDevice)
    {
        var refs = new List<string>();
        foreach (var child in pairDevice.ChildrenNamed("ref"))
        {
            var bytes = child.ContentBytes();
            if (!bytes.IsEmpty)
            {
                refs.Add(Encoding.ASCII.GetString(bytes.Span));
            }
        }

        StopQrTimer();
        _qr = new QrRotation(refs, options.FirstQrTimeout, options.NextQrTimeout);
    }

    /// <summary>The next QR string and its expiry (its timer started), or null when the refs ran out.</summary>
    public (string Qr, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)? NextQr(DeviceCredentials credentials, Action<int> onExpired)
    {
        StopQrTimer();
        var now = time.GetUtcNow();
        if (_qr?.Next(now) is not { } next)
        {
            return null;
        }

        var sequence = ++_qrSequence;
        _qrTimer = time.CreateTimer(_ => onExpired(sequence), null, next.ExpiresAt - now, Timeout.InfiniteTimeSpan);
        var qr = new QrPairingData(next.Ref, credentials.NoiseKey.PublicKey, credentials.IdentityKey.PublicKey, credentials.AdvSecret, options.PlatformId);
        return (qr.ToString(), now, next.ExpiresAt);
    }

    /// <summary>Starts a phone-code pairing: a fresh code and ephemeral key, and the companion_hello iq.</summary>
    public (CodePairing Pairing, Node Hello) BeginCode(string phone, DeviceCredentials credentials, string iqId)
    {
        StopQrTimer();
        var code = PairingCode.Generate();
        var ephemeral = Curve25519.GenerateKeyPair();
        var pairing = new CodePairing(phone, code, ephemeral);
        Code = pairing;
        var hello = ConnectionStanzas.BuildCompanionHello(
            iqId, phone + "@s.whatsapp.net", LinkCodeCrypto.WrapEphemeral(code, ephemeral.PublicKey), credentials.NoiseKey.PublicKey, options.PlatformId, options.PlatformDisplay);
        return (pairing, hello);
    }

    /// <summary>
    /// The phone answered the code (link_code_companion_reg notification): derives the new ADV secret and the
    /// companion_finish iq.
    /// </summary>
    public (byte[] AdvSecret, Node Finish) FinishCode(Node notification, DeviceCredentials credentials, string iqId)
    {
        var pairing = Code ?? throw new StanzaException("A link_code_companion_reg notification arrived, but no phone-code pairing is in progress.");
        var registration = notification.RequiredChild("link_code_companion_reg");
        var wrapped = registration.RequiredChildBytes("link_code_pairing_wrapped_primary_ephemeral_pub", LinkCodeCrypto.WrappedKeyLength);
        var primaryIdentity = registration.RequiredChildBytes("primary_identity_pub", 32);
        var pairingRef = registration.RequiredChildBytes("link_code_pairing_ref");
        var primaryEphemeral = LinkCodeCrypto.UnwrapEphemeral(pairing.Code, wrapped);
        var (bundle, advSecret) = LinkCodeCrypto.CompanionFinish(credentials.IdentityKey, pairing.Ephemeral, primaryEphemeral, primaryIdentity);
        var finish = ConnectionStanzas.BuildCompanionFinish(iqId, pairing.Phone + "@s.whatsapp.net", bundle, credentials.IdentityKey.PublicKey, pairingRef);
        return (advSecret, finish);
    }

    /// <summary>
    /// Checks a pair-success against our ADV secret and identity. Accepted: the paired credentials and the
    /// pair-device-sign reply. Refused: no credentials, an error reply (401 hmac-mismatch or signature-mismatch) and why.
    /// </summary>
    public static (DeviceCredentials? Paired, Node Reply, string? Refusal) AcceptPairSuccess(PairSuccess success, DeviceCredentials credentials)
    {
        try
        {
            var (account, details, reply) = AdvIdentity.VerifyAndCounterSign(success.DeviceIdentity, credentials.AdvSecret, credentials.IdentityKey);
            var paired = credentials with
            {
                Me = success.DeviceJid,
                Lid = success.DeviceLid,
                Platform = success.Platform,
                AccountIdentity = account.ToByteArray(),
            };
            return (paired, ConnectionStanzas.BuildPairDeviceSign(success.IqId, details.KeyIndex, reply), null);
        }
        catch (PairingException ex)
        {
            var text = ex.Message.Contains("hmac", StringComparison.OrdinalIgnoreCase) ? "hmac-mismatch" : "signature-mismatch";
            return (null, ConnectionStanzas.BuildIqError(success.IqId, 401, text), ex.Message);
        }
    }

    public void CancelCode() => Code = null;

    public void FailDeferred(Exception reason)
    {
        Deferred?.Done.TrySetException(reason);
        Deferred = null;
    }

    /// <summary>The connection ended: refs, timer and code pairing are gone (a deferred request stays).</summary>
    public void Reset()
    {
        StopQrTimer();
        _qr = null;
        Code = null;
    }

    private void StopQrTimer()
    {
        _qrTimer?.Dispose();
        _qrTimer = null;
        _qrSequence++;
    }
}
