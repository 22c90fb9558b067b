using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Events;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Session;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Pairing;

/// <summary>
/// Pairing, as one family: the server's pair-device refs shown as rotating QR codes, the phone-code stages
/// (companion_hello, link_code_companion_reg, companion_finish) and pair-success. It holds one connection's pairing
/// state. Called only on the line's loop; it answers with outcomes and never touches the actor.
/// </summary>
internal sealed class PairingHandler(LineOptions options, ICredentialStore store, TimeProvider time, ILogger logger)
{
    private QrRotation? _qr;
    private int _qrSequence;
    private CodePairing? _code;

    /// <summary>A pairing-code request that arrived before the server's pair-device iq.</summary>
    public LineMail.RequestPairingCode? Deferred { get; private set; }

    /// <summary>The server's pair-device iq: acknowledge it, keep its refs, then show a QR (or start a deferred code request).</summary>
    public StanzaOutcome HandlePairDevice(Node iq, LineContext context)
    {
        var refs = new List<string>();
        foreach (var child in iq.RequiredChild("pair-device").ChildrenNamed("ref"))
        {
            var bytes = child.ContentBytes();
            if (!bytes.IsEmpty)
            {
                refs.Add(Encoding.ASCII.GetString(bytes.Span));
            }
        }

        _qrSequence++;
        _qr = new QrRotation(refs, options.FirstQrTimeout, options.NextQrTimeout);
        var ack = ConnectionStanzas.BuildIqResult(iq.Attr("id") ?? "");
        StanzaOutcome next;
        if (Deferred is { } deferred)
        {
            Deferred = null;
            next = RequestCode(deferred, context);
        }
        else
        {
            next = NextQr(context);
        }

        return next with { Replies = [ack, .. next.Replies] };
    }

    /// <summary>A QR's time ran out: show the next one, if this QR is still the current one.</summary>
    public StanzaOutcome HandleQrExpired(LineMail.QrExpired mail, LineContext context) =>
        mail.Sequence == _qrSequence && _code is null && _qr is not null ? NextQr(context) : StanzaOutcome.None;

    /// <summary>Starts a phone-code pairing, or defers it until the connection has its refs.</summary>
    public StanzaOutcome RequestCode(LineMail.RequestPairingCode request, LineContext context)
    {
        if (context.Credentials is not { IsPaired: false } credentials
            || context.Status is not (LineStatus.Starting or LineStatus.Reconnecting or LineStatus.ScanQr or LineStatus.PairingCode))
        {
            request.Done.TrySetException(new LineException(LineErrorKind.WrongState,
                $"A pairing code needs an unpaired line that is starting or showing a QR code (line {context.LineId} is {context.Status.ToName()})."));
            return StanzaOutcome.None;
        }

        if (context.Connection is not { } connection || _qr is null)
        {
            FailDeferred(new LineException(LineErrorKind.WrongState, "A newer pairing-code request replaced this one."));
            Deferred = request;
            return StanzaOutcome.None;
        }

        _qrSequence++;
        var code = PairingCode.Generate();
        var ephemeral = Curve25519.GenerateKeyPair();
        var pairing = new CodePairing(request.Phone, code, ephemeral);
        _code = pairing;
        var hello = ConnectionStanzas.BuildCompanionHello(
            connection.NextId(), request.Phone + "@s.whatsapp.net", LinkCodeCrypto.WrapEphemeral(code, ephemeral.PublicKey),
            credentials.NoiseKey.PublicKey, options.PlatformId, options.PlatformDisplay);
        var generation = context.Generation;
        return StanzaOutcome.Run("companion_hello", async (mailbox, cancellationToken) =>
        {
            Exception? error = null;
            try
            {
                await connection.QueryAsync(hello, options.IqTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (LineException ex)
            {
                error = ex;
            }

            await mailbox.PostAsync(new LineMail.PairingHelloAnswered(generation, pairing.Phone, pairing.Code, error, request.Done), cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>The server took (or refused) our companion_hello: the code is shown, or the request fails.</summary>
    public StanzaOutcome HandleHelloAnswered(LineMail.PairingHelloAnswered mail, LineContext context)
    {
        if (!context.Link.IsCurrent(mail.Generation) || _code?.Code != mail.Code)
        {
            mail.Done.TrySetException(mail.Error ?? new LineException(LineErrorKind.Disconnected, "The connection changed before the pairing code was accepted."));
            return StanzaOutcome.None;
        }

        if (mail.Error is not null)
        {
            _code = null;
            mail.Done.TrySetException(mail.Error);
            return StanzaOutcome.None;
        }

        return new StanzaOutcome
        {
            Decision = new LineDecision.Enter(LineStatus.PairingCode, "pairing_code"),
            Events = [new PairingCodeIssued(context.LineId, time.GetUtcNow(), mail.Code, mail.Phone)],
            Completed = () => mail.Done.TrySetResult(mail.Code),
        };
    }

    /// <summary>
    /// The phone answered our code (link_code_companion_reg): derive the new ADV secret and answer with companion_finish.
    /// </summary>
    public StanzaOutcome HandleCompanionRegistration(Node notification, LineContext context)
    {
        if (context.Connection is not { } connection || context.Credentials is not { IsPaired: false } credentials)
        {
            return StanzaOutcome.None;
        }

        var pairing = _code ?? throw new StanzaException("A link_code_companion_reg notification arrived, but no phone-code pairing is in progress.");
        var registration = notification.RequiredChild("link_code_companion_reg");
        var wrapped = registration.RequiredChildBytes("link_code_pairing_wrapped_primary_ephemeral_pub", LinkCodeCrypto.WrappedKeyLength);
        var primaryIdentity = registration.RequiredChildBytes("primary_identity_pub", 32);
        var pairingRef = registration.RequiredChildBytes("link_code_pairing_ref");
        var primaryEphemeral = LinkCodeCrypto.UnwrapEphemeral(pairing.Code, wrapped);
        var (bundle, advSecret) = LinkCodeCrypto.CompanionFinish(credentials.IdentityKey, pairing.Ephemeral, primaryEphemeral, primaryIdentity);
        var finish = ConnectionStanzas.BuildCompanionFinish(connection.NextId(), pairing.Phone + "@s.whatsapp.net", bundle, credentials.IdentityKey.PublicKey, pairingRef);
        return new StanzaOutcome { Credentials = credentials with { AdvSecret = advSecret }, Replies = [finish] };
    }

    /// <summary>
    /// pair-success: checked against our ADV secret and identity. Accepted → the paired credentials are saved and
    /// pair-device-sign answers (the server's 515 follows). Refused → an error iq (401) and the line fails.
    /// </summary>
    public async Task<StanzaOutcome> HandlePairSuccessAsync(Node iq, LineContext context)
    {
        if (context.Credentials is not { IsPaired: false } credentials)
        {
            return StanzaOutcome.None;
        }

        var success = PairSuccess.Parse(iq);
        try
        {
            var (account, details, signed) = AdvIdentity.VerifyAndCounterSign(success.DeviceIdentity, credentials.AdvSecret, credentials.IdentityKey);
            var paired = credentials with
            {
                Me = success.DeviceJid,
                Lid = success.DeviceLid,
                Platform = success.Platform,
                AccountIdentity = account.ToByteArray(),
            };
            await store.SaveAsync(paired, context.Lifetime).ConfigureAwait(false);
            Reset();
            LineLog.Paired(logger, success.DeviceJid);
            return new StanzaOutcome { Credentials = paired, Replies = [ConnectionStanzas.BuildPairDeviceSign(success.IqId, details.KeyIndex, signed)] };
        }
        catch (PairingException ex)
        {
            var text = ex.Message.Contains("hmac", StringComparison.OrdinalIgnoreCase) ? "hmac-mismatch" : "signature-mismatch";
            LineLog.PairSuccessRefused(logger, ex.Message);
            return new StanzaOutcome
            {
                Replies = [ConnectionStanzas.BuildIqError(success.IqId, 401, text)],
                Decision = new LineDecision.Failed($"pair_success_refused: {text}"),
            };
        }
    }

    /// <summary>New credentials for an unpaired line: keys made, the Signal identity and signed prekey stored, the credentials saved.</summary>
    public static async Task<DeviceCredentials> RegisterAsync(ICredentialStore store, ISignalStore signal, CancellationToken cancellationToken)
    {
        var created = DeviceCredentials.Create(new Signal.SignalKeyGenerator());
        await signal.Identities.SaveLocalIdentityAsync(created.SignalIdentity, cancellationToken).ConfigureAwait(false);
        await signal.SignedPreKeys.StoreSignedPreKeyAsync(created.SignedPreKey, cancellationToken).ConfigureAwait(false);
        await store.SaveAsync(created, cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>Fails a deferred pairing-code request (the line stopped, failed or logged out).</summary>
    public void FailDeferred(Exception reason)
    {
        Deferred?.Done.TrySetException(reason);
        Deferred = null;
    }

    /// <summary>The connection ended: its refs and code pairing are gone, any QR timer is stale (a deferred request stays).</summary>
    public void Reset()
    {
        _qrSequence++;
        _qr = null;
        _code = null;
    }

    private StanzaOutcome NextQr(LineContext context)
    {
        _qrSequence++;
        var now = time.GetUtcNow();
        if (_qr?.Next(now) is not { } next || context.Credentials is not { } credentials)
        {
            return StanzaOutcome.Decide(new LineDecision.Failed("qr_refs_ended"));
        }

        var qr = new QrPairingData(next.Ref, credentials.NoiseKey.PublicKey, credentials.IdentityKey.PublicKey, credentials.AdvSecret, options.PlatformId);
        return new StanzaOutcome
        {
            Decision = new LineDecision.Enter(LineStatus.ScanQr, "qr"),
            Events = [new QrCodeIssued(context.LineId, now, qr.ToString(), next.ExpiresAt)],
            Timer = new ScheduledMail("qr", next.ExpiresAt - now, new LineMail.QrExpired(context.Generation, _qrSequence)),
        };
    }
}
