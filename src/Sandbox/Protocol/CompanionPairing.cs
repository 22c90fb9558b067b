using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Stanzas;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Pairing;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Storage;
using static WaEngine.Sandbox.Protocol.ServerNodes;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// Links and unlinks companions: serves registration connections (refs for the QR code, the code-pairing stages), pairs a
/// companion when its virtual phone scans the QR or the user types the code (a signed pair-success, the counter-signature
/// checked, the stream restarted with 515), and removes a companion the phone unlinks or that logs out.
/// </summary>
internal sealed partial class CompanionPairing(AccountRegistry accounts, DeviceKeyStore keys, StanzaQueue queue, DeviceDirectory devices, TimeProvider time, ILogger<CompanionPairing> logger)
{
    private static readonly TimeSpan PairReplyTimeout = TimeSpan.FromSeconds(20);
    private const int RefsPerPairDevice = 6;

    private readonly PendingPairings _pending = new();
    private readonly SemaphoreSlim _pairingGate = new(1, 1);

    /// <summary>Accounts whose linking is passkey-gated (R12).</summary>
    public required PasskeyGate Passkeys { get; init; }

    /// <summary>Called once a companion is paired, with its account and device JID (the network marks its groups dirty).</summary>
    public Func<SandboxAccount, string, CancellationToken, Task>? Paired { get; init; }

    /// <summary>The registration connections still waiting to be paired.</summary>
    public IEnumerable<ServerConnection> PendingConnections => _pending.Connections;

    /// <summary>
    /// The virtual phone <paramref name="phone"/> scans <paramref name="qr"/>: the companion showing it is sent a
    /// signed pair-success, its counter-signature checked, the device recorded, and its stream restarted (515).
    /// </summary>
    /// <returns>The new device's JID.</returns>
    public async Task<string> ScanAsync(string phone, string qr, CancellationToken cancellationToken)
    {
        var account = await RequireAccountAsync(phone, cancellationToken).ConfigureAwait(false);
        QrPairingData data;
        try
        {
            data = QrPairingData.Parse(qr ?? "");
        }
        catch (PairingException ex)
        {
            throw new SandboxInputException(ex.Message, 400, "qr");
        }

        if (!_pending.TryFindByRef(data.Ref, out var pending))
        {
            throw new SandboxInputException("No companion is showing this QR code: it expired, was already scanned, or its connection closed.", 404, "qr");
        }

        if (!pending.NoiseKey.AsSpan().SequenceEqual(data.NoisePublicKey) || !pending.IdentityKey.AsSpan().SequenceEqual(data.IdentityPublicKey))
        {
            throw new SandboxInputException("The QR code's keys do not match the companion that received this ref.", 400, "qr");
        }

        RequirePasskeyIfGated(account, pending.Connection, "qr");
        return await PairAsync(account, pending, data.AdvSecret, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The user types <paramref name="code"/> on the virtual phone <paramref name="phone"/>: the phone answers the
    /// companion that asked to link to this number, checks its key bundle, and pairs it as a QR scan would.
    /// </summary>
    /// <returns>The new device's JID.</returns>
    public async Task<string> EnterLinkCodeAsync(string phone, string code, CancellationToken cancellationToken)
    {
        var account = await RequireAccountAsync(phone, cancellationToken).ConfigureAwait(false);
        string normalized;
        try
        {
            normalized = PairingCode.Normalize(code ?? "");
        }
        catch (PairingException ex)
        {
            throw new SandboxInputException(ex.Message, 400, "code");
        }

        if (!_pending.TryFindCode(account.Phone, out var pending))
        {
            throw new SandboxInputException($"No companion is waiting to link to {account.Phone} by code.", 404, "phone");
        }

        var connection = pending.Pending.Connection;
        var accountKey = new KeyPair(account.IdentityPublic, account.IdentityPrivate);
        var primaryEphemeral = Curve25519.GenerateKeyPair();
        var companionEphemeral = LinkCodeCrypto.UnwrapEphemeral(normalized, pending.WrappedCompanionEphemeral);
        connection.Send(new Node("notification", NodeAttributes.Of(("from", ServerJid), ("type", "link_code_companion_reg"), ("id", connection.NextId()), ("t", Now())), [
            new Node("link_code_companion_reg", NodeAttributes.Of(("stage", "primary_hello")), [
                Bytes("link_code_pairing_ref", pending.Ref),
                Bytes("link_code_pairing_wrapped_primary_ephemeral_pub", LinkCodeCrypto.WrapEphemeral(normalized, primaryEphemeral.PublicKey)),
                Bytes("primary_identity_pub", account.IdentityPublic),
            ]),
        ]));

        Node finish;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Closed);
            finish = await pending.Finish.Task.WaitAsync(PairReplyTimeout, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _pending.RemoveCode(pending);
            throw new SandboxInputException("The companion did not finish code pairing in time (or its connection closed).", 409, "code");
        }

        var registration = finish.RequiredChild("link_code_companion_reg");
        byte[] advSecret;
        try
        {
            var companionIdentity = registration.RequiredChildBytes("companion_identity_public", 32);
            if (!companionIdentity.AsSpan().SequenceEqual(pending.Pending.IdentityKey))
            {
                throw new PairingException("The companion finished with another identity key than it registered with.");
            }

            advSecret = PrimaryLinkCode.OpenBundle(accountKey, primaryEphemeral, companionEphemeral, companionIdentity, registration.RequiredChildBytes("link_code_pairing_wrapped_key_bundle"));
        }
        catch (Exception ex) when (ex is PairingException or StanzaException or CryptoException)
        {
            _pending.RemoveCode(pending);
            connection.Send(Error(finish, 400, "bad-request"));
            throw new SandboxInputException($"Code pairing failed: {ex.Message} (a wrong code gives this too).", 400, "code");
        }

        connection.Send(Result(finish));
        RequirePasskeyIfGated(account, connection, "code");
        return await PairAsync(account, pending.Pending, advSecret, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The phone unlinks a companion (or the companion logged out): its device, keys and queue are removed, and a live
    /// connection is ended with <c>401 device_removed</c>.
    /// </summary>
    public async Task<bool> RemoveDeviceAsync(string phone, int deviceId, CancellationToken cancellationToken)
    {
        var account = await RequireAccountAsync(phone, cancellationToken).ConfigureAwait(false);
        if (deviceId == 0)
        {
            throw new SandboxInputException("Device 0 is the phone itself and cannot be unlinked.", 400, "device");
        }

        var removed = await accounts.RemoveCompanionAsync(account.Phone, deviceId, cancellationToken).ConfigureAwait(false);
        await keys.DeleteAsync(account.Phone, deviceId, cancellationToken).ConfigureAwait(false);
        await queue.DropDeviceAsync(account.Phone, deviceId, cancellationToken).ConfigureAwait(false);
        if (devices.Find(account.Phone, deviceId) is { } connection)
        {
            await connection.CloseAsync(ServerConnection.StreamError("401", "conflict", ("type", "device_removed"))).ConfigureAwait(false);
        }

        if (removed)
        {
            NotifyDevicesChanged(account, "remove", DeviceJid.Format(account.Phone, deviceId));
        }

        return removed;
    }

    /// <summary>
    /// Serves a companion that connected to register: sends it refs to show as QR codes, then answers its code-pairing
    /// stages and its replies to pair-success until it is paired (the sandbox restarts its stream) or goes away.
    /// </summary>
    public async Task RunRegistrationAsync(ServerConnection connection, byte[] noiseKey, ClientPayload payload, CancellationToken cancellationToken)
    {
        var registration = payload.DevicePairingData;
        if (registration.EIdent.Length != 32)
        {
            await connection.CloseAsync(ServerConnection.StreamError("400", "bad-request")).ConfigureAwait(false);
            return;
        }

        var refs = Enumerable.Range(0, RefsPerPairDevice).Select(_ => "2@" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(33))).ToList();
        var platform = payload.UserAgent?.Device is { Length: > 0 } device ? device : "web";
        var pending = new PendingPairing(connection, refs, noiseKey, registration.EIdent.ToByteArray(), platform);
        _pending.Add(pending);

        try
        {
            connection.Send(new Node("iq", NodeAttributes.Of(("from", ServerJid), ("type", "set"), ("id", connection.NextId()), ("xmlns", "md")),
                [new Node("pair-device", null, refs.Select(r => new Node("ref", null, Encoding.ASCII.GetBytes(r))))]));
            await connection.RunAsync(DispatchRegistrationAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.Forget(pending);
        }
    }

    /// <summary>
    /// R12: linking to a passkey-gated account stops here: the companion is asked for the user's passkey (which only the
    /// phone's own passkey can answer) instead of being paired, and the scan or code entry fails with 409 saying so.
    /// </summary>
    private void RequirePasskeyIfGated(SandboxAccount account, ServerConnection connection, string param)
    {
        if (!Passkeys.IsGated(account.Phone))
        {
            return;
        }

        connection.Send(PasskeyGate.BuildPrologueRequest(connection.NextId(), Now()));
        LogPasskeyRequested(account.Phone);
        throw new SandboxInputException($"Linking to {account.Phone} is passkey-gated: the companion was asked for the user's passkey (passkey_prologue_request) and is not paired.", 409, param);
    }

    private async Task<string> PairAsync(SandboxAccount account, PendingPairing pending, byte[] advSecret, CancellationToken cancellationToken)
    {
        await _pairingGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (deviceId, keyIndex) = await accounts.NextCompanionSlotAsync(account.Phone, cancellationToken).ConfigureAwait(false);
            var accountKey = new KeyPair(account.IdentityPublic, account.IdentityPrivate);
            var identity = PrimaryAdvIdentity.CreatePairSuccess(accountKey, pending.IdentityKey, advSecret, (uint)keyIndex, time.GetUtcNow());
            var deviceJid = DeviceJid.Format(account.Phone, deviceId);
            var iq = new Node("iq", NodeAttributes.Of(("from", ServerJid), ("type", "set"), ("id", pending.Connection.NextId()), ("t", Now())), [
                new Node("pair-success", null, [
                    new Node("device-identity", NodeAttributes.Of(("key-index", keyIndex.ToString(CultureInfo.InvariantCulture))), identity),
                    Leaf("platform", ("name", "android")),
                    Leaf("device", ("jid", deviceJid), ("lid", DeviceJid.Format(account.Lid, deviceId, JidServers.Lid))),
                ]),
            ]);

            Node reply;
            try
            {
                reply = await pending.Connection.QueryAsync(iq, PairReplyTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new SandboxInputException($"The companion did not answer pair-success: {ex.Message}", 409, "qr");
            }

            if (reply.Attr("type") != "result" || reply.Child("pair-device-sign")?.Child("device-identity") is not { } signed)
            {
                var error = reply.Child("error");
                throw new SandboxInputException($"The companion refused pairing ({error?.Attr("code")} {error?.Attr("text")}).", 409, "qr");
            }

            try
            {
                PrimaryAdvIdentity.VerifyDeviceSignature(signed.ContentBytes().Span, account.IdentityPublic, pending.IdentityKey);
            }
            catch (PairingException ex)
            {
                await pending.Connection.CloseAsync(ServerConnection.StreamError("401", "conflict", ("type", "device_removed"))).ConfigureAwait(false);
                throw new SandboxInputException(ex.Message, 409, "qr");
            }

            await accounts.AddCompanionAsync(account.Phone, deviceId, keyIndex, pending.NoiseKey, pending.Platform, cancellationToken).ConfigureAwait(false);
            if (Paired is { } paired)
            {
                await paired(account, deviceJid, cancellationToken).ConfigureAwait(false);
            }

            _pending.Forget(pending);
            LogPaired(deviceJid);
            NotifyDevicesChanged(account, "add", deviceJid);
            await pending.Connection.CloseAsync(ServerConnection.StreamError("515")).ConfigureAwait(false);
            return deviceJid;
        }
        finally
        {
            _pairingGate.Release();
        }
    }

    private ValueTask DispatchRegistrationAsync(ServerConnection connection, Node node)
    {
        if (node.Tag != "iq")
        {
            return ValueTask.CompletedTask;
        }

        if (node.Attr("type") is "result" or "error")
        {
            connection.TryCompleteQuery(node);
        }
        else if (node.Attr("xmlns") == "md" && node.Child("link_code_companion_reg") is { } registration)
        {
            HandleLinkCodeStage(connection, node, registration);
        }
        else if (node.Attr("xmlns") == "md" && node.Child("passkey_prologue") is not null)
        {
            connection.Send(Passkeys.RefusePrologue(node, "a registering companion"));
        }
        else
        {
            connection.Send(Error(node, 401, "not-authorized"));
        }

        return ValueTask.CompletedTask;
    }

    private void HandleLinkCodeStage(ServerConnection connection, Node iq, Node registration)
    {
        var pending = _pending.FindByConnection(connection);
        switch (registration.Attr("stage"))
        {
            case "companion_hello" when pending is not null:
            {
                var jid = new AttributeReader(registration).Jid("jid");
                var wrapped = registration.RequiredChildBytes("link_code_pairing_wrapped_companion_ephemeral_pub", LinkCodeCrypto.WrappedKeyLength);
                var authKey = registration.RequiredChildBytes("companion_server_auth_key_pub", 32);
                if (!authKey.AsSpan().SequenceEqual(pending.NoiseKey) || jid.User.Length == 0)
                {
                    connection.Send(Error(iq, 400, "bad-request"));
                    return;
                }

                var reference = Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
                _pending.AddCode(new PendingCodePairing(pending, jid.User, wrapped, reference));
                connection.Send(Result(iq, new Node("link_code_companion_reg", null, [Bytes("link_code_pairing_ref", reference)])));
                return;
            }

            case "companion_finish":
            {
                var waiting = _pending.FindCodeByConnection(connection);
                if (waiting is null || !waiting.Finish.TrySetResult(iq))
                {
                    connection.Send(Error(iq, 404, "item-not-found"));
                }

                return;
            }

            default:
                connection.Send(Error(iq, 400, "bad-request"));
                return;
        }
    }

    /// <summary>
    /// Tells every connected device that <paramref name="account"/>'s device list changed (a companion was added or
    /// removed), as WhatsApp does for contacts, so senders drop their cached device lists. Live only: a device that is
    /// offline refreshes its cache on its own schedule.
    /// </summary>
    private void NotifyDevicesChanged(SandboxAccount account, string change, string deviceJid)
    {
        foreach (var connection in devices.All())
        {
            connection.Send(new Node("notification", NodeAttributes.Of(("from", account.Jid), ("type", "devices"), ("id", connection.NextId()), ("t", Now())), [
                new Node(change, null, [Leaf("device", ("jid", deviceJid))]),
            ]));
        }
    }

    private async Task<SandboxAccount> RequireAccountAsync(string phone, CancellationToken cancellationToken) =>
        await accounts.FindAsync(phone, cancellationToken).ConfigureAwait(false)
            ?? throw new SandboxInputException($"No account with phone {phone}.", 404, "phone");

    private string Now() => time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox asked a companion of {Phone} for the user's passkey (passkey-gated linking, R12)")]
    private partial void LogPasskeyRequested(string phone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox paired companion {Device}")]
    private partial void LogPaired(string device);
}
