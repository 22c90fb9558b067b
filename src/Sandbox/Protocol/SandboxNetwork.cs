using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Pairing;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Transport;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Noise;
using WaEngine.Sandbox.Pairing;
using WaEngine.Sandbox.Storage;
using static WaEngine.Sandbox.Protocol.ServerNodes;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// The server side of the network: accepts client connections (Noise responder), pairs companions when a virtual
/// phone scans their QR, logs paired devices in, and answers what they send. One instance per sandbox.
/// </summary>
public sealed partial class SandboxNetwork
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan PairReplyTimeout = TimeSpan.FromSeconds(20);
    private const int RefsPerPairDevice = 6;

    private readonly KeyPair _staticKey;
    private readonly byte[] _certificateChain;
    private readonly AccountRegistry _accounts;
    private readonly DeviceKeyStore _keys;
    private readonly IqHandler _iqs;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<SandboxNetwork> _logger;
    private readonly DeviceDirectory _devices = new();
    private readonly StanzaQueue _queue;
    private readonly MessageRouter _router;
    private readonly ConcurrentDictionary<string, PendingPairing> _pendingByRef = new();
    private readonly ConcurrentDictionary<string, PendingCodePairing> _pendingByPhone = new();
    private readonly SemaphoreSlim _pairingGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Creates the network over the sandbox's stores and keys.</summary>
    public SandboxNetwork(KeyPair staticKey, byte[] certificateChain, AccountRegistry accounts, DeviceKeyStore keys, StanzaQueue queue, Func<MediaConnInfo> mediaConn, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _queue = queue;
        _router = new MessageRouter(accounts, queue, _devices, time, loggerFactory.CreateLogger<MessageRouter>());
        _staticKey = staticKey;
        _certificateChain = certificateChain;
        _accounts = accounts;
        _keys = keys;
        _iqs = new IqHandler(accounts, keys, mediaConn);
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SandboxNetwork>();
    }

    /// <summary>Whether the device has a live connection.</summary>
    public bool IsOnline(string phone, int deviceId) => _devices.Find(phone, deviceId) is not null;

    /// <summary>Ends every live connection (the sandbox is stopping), so clients see the server go away at once.</summary>
    public async Task CloseAllAsync()
    {
        // First refuse and end every connection still coming in (Kestrel keeps accepting until it stops, after us):
        // a client reconnecting quickly must not log in to a sandbox that is shutting down and hold a socket nobody
        // will close.
        await _stopping.CancelAsync().ConfigureAwait(false);
        var connections = _devices.All().Concat(_pendingByRef.Values.Select(p => p.Connection)).Distinct().ToList();
        await Task.WhenAll(connections.Select(c => c.CloseAsync(null))).ConfigureAwait(false);
    }

    /// <summary>Plugs in the virtual phones' primary devices.</summary>
    public void AttachPrimaryDevices(IPrimaryDevice primary) => _router.Primary = primary;

    /// <summary>Routes a message stanza sent by a device inside the sandbox (a virtual phone); the server ack goes to <paramref name="onAck"/>.</summary>
    public Task SendFromAsync(ConnectedDevice sender, Node message, Action<Node> onAck, CancellationToken cancellationToken) =>
        _router.RouteMessageAsync(sender, message, onAck, cancellationToken);

    /// <summary>Routes a receipt sent by a device inside the sandbox (a virtual phone).</summary>
    public Task SendReceiptFromAsync(ConnectedDevice sender, Node receipt, CancellationToken cancellationToken) =>
        _router.RouteReceiptAsync(sender, receipt, _ => { }, cancellationToken);

    /// <summary>
    /// The phone unlinks a companion (or the companion logged out): its device, keys and queue are removed, and a live
    /// connection is ended with <c>401 device_removed</c>.
    /// </summary>
    public async Task<bool> RemoveDeviceAsync(string phone, int deviceId, CancellationToken cancellationToken)
    {
        var account = await _accounts.FindAsync(phone, cancellationToken).ConfigureAwait(false)
            ?? throw new SandboxInputException($"No account with phone {phone}.", 404, "phone");
        if (deviceId == 0)
        {
            throw new SandboxInputException("Device 0 is the phone itself and cannot be unlinked.", 400, "device");
        }

        var removed = await _accounts.RemoveCompanionAsync(account.Phone, deviceId, cancellationToken).ConfigureAwait(false);
        await _keys.DeleteAsync(account.Phone, deviceId, cancellationToken).ConfigureAwait(false);
        await _queue.DropDeviceAsync(account.Phone, deviceId, cancellationToken).ConfigureAwait(false);
        if (_devices.Find(account.Phone, deviceId) is { } connection)
        {
            await connection.CloseAsync(ServerConnection.StreamError("401", "conflict", ("type", "device_removed"))).ConfigureAwait(false);
        }

        if (removed)
        {
            NotifyDevicesChanged(account, "remove", $"{account.Phone}:{deviceId}@s.whatsapp.net");
        }

        return removed;
    }

    /// <summary>
    /// Tells every connected device that <paramref name="account"/>'s device list changed (a companion was added or
    /// removed), as WhatsApp does for contacts, so senders drop their cached device lists. Live only: a device that is
    /// offline refreshes its cache on its own schedule.
    /// </summary>
    private void NotifyDevicesChanged(SandboxAccount account, string change, string deviceJid)
    {
        foreach (var connection in _devices.All())
        {
            connection.Send(new Node("notification", NodeAttributes.Of(("from", account.Jid), ("type", "devices"), ("id", connection.NextId()), ("t", Now())), [
                new Node(change, null, [Leaf("device", ("jid", deviceJid))]),
            ]));
        }
    }

    /// <summary>Injects a fault on a device (control API <c>POST /sandbox/faults</c>).</summary>
    public async Task InjectFaultAsync(string deviceJid, FaultKind kind, string? code, int ms, int count, CancellationToken cancellationToken)
    {
        if (!Jid.TryParse(deviceJid, out var jid) || jid.User.Length == 0)
        {
            throw new SandboxInputException($"device_jid '{deviceJid}' is not a device JID (e.g. 15550001111:1@s.whatsapp.net).", 400, "device_jid");
        }

        var account = await _accounts.FindByJidAsync(jid with { Device = null }, cancellationToken).ConfigureAwait(false);
        var deviceId = jid.Device ?? 0;
        if (account is null || account.Devices.All(d => d.DeviceId != deviceId))
        {
            throw new SandboxInputException($"No device {deviceJid} in the sandbox.", 404, "device_jid");
        }

        switch (kind)
        {
            case FaultKind.Drop:
            case FaultKind.StreamError:
                var connection = _devices.Find(account.Phone, deviceId)
                    ?? throw new SandboxInputException($"Device {deviceJid} is not connected.", 409, "device_jid");
                await connection.CloseAsync(kind == FaultKind.Drop ? null : StreamErrorFor(code)).ConfigureAwait(false);
                break;
            default:
                int? numeric = int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
                if (code is not null && numeric is null)
                {
                    throw new SandboxInputException($"code '{code}' must be a number for {kind}.", 400, "code");
                }

                _devices.Faults(account.Phone, deviceId).Arm(kind, Math.Max(count, 1), ms, numeric);
                break;
        }
    }

    private static Node StreamErrorFor(string? code) => code switch
    {
        null or "" => ServerConnection.StreamError("515"),
        "conflict" or "replaced" => ServerConnection.StreamError(null, "conflict", ("type", "replaced")),
        "401" or "device_removed" => ServerConnection.StreamError("401", "conflict", ("type", "device_removed")),
        _ when int.TryParse(code, CultureInfo.InvariantCulture, out _) => ServerConnection.StreamError(code),
        _ => throw new SandboxInputException($"code '{code}' is not a stream error code (515, 503, 401, conflict).", 400, "code"),
    };

    /// <summary>Serves one client connection until it ends.</summary>
    public async Task RunConnectionAsync(IFrameTransport frames, CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
        {
            await frames.DisposeAsync().ConfigureAwait(false);
            return;
        }

        using var stoppingOrAborted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await ServeAsync(frames, stoppingOrAborted.Token).ConfigureAwait(false);
    }

    private async Task ServeAsync(IFrameTransport frames, CancellationToken cancellationToken)
    {
        NoiseConnection noise;
        NoiseClientFinish finish;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HandshakeTimeout);
            (noise, finish) = await new NoiseServerHandshake(_staticKey, _certificateChain).RunAsync(frames, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NoiseHandshakeException or FrameException or TransportClosedException or OperationCanceledException or Engine.Crypto.CryptoException)
        {
            LogHandshakeFailed(ex.Message);
            await frames.DisposeAsync().ConfigureAwait(false);
            return;
        }

        await using var connection = new ServerConnection(noise, _loggerFactory.CreateLogger<ServerConnection>());
        ClientPayload payload;
        try
        {
            payload = ClientPayload.Parser.ParseFrom(finish.Payload);
        }
        catch (InvalidProtocolBufferException)
        {
            await connection.CloseAsync(ServerConnection.StreamError("400", "bad-request")).ConfigureAwait(false);
            return;
        }

        if (payload.DevicePairingData is { } registration)
        {
            await RunRegistrationAsync(connection, finish.ClientStaticKey, registration, payload, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RunLoginAsync(connection, finish.ClientStaticKey, payload, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The virtual phone <paramref name="phone"/> scans <paramref name="qr"/>: the companion showing it is sent a
    /// signed pair-success, its counter-signature checked, the device recorded, and its stream restarted (515).
    /// </summary>
    /// <returns>The new device's JID.</returns>
    public async Task<string> ScanAsync(string phone, string qr, CancellationToken cancellationToken)
    {
        var account = await _accounts.FindAsync(phone, cancellationToken).ConfigureAwait(false)
            ?? throw new SandboxInputException($"No account with phone {phone}.", 404, "phone");
        QrPairingData data;
        try
        {
            data = QrPairingData.Parse(qr ?? "");
        }
        catch (PairingException ex)
        {
            throw new SandboxInputException(ex.Message, 400, "qr");
        }

        if (!_pendingByRef.TryGetValue(data.Ref, out var pending))
        {
            throw new SandboxInputException("No companion is showing this QR code: it expired, was already scanned, or its connection closed.", 404, "qr");
        }

        if (!pending.NoiseKey.AsSpan().SequenceEqual(data.NoisePublicKey) || !pending.IdentityKey.AsSpan().SequenceEqual(data.IdentityPublicKey))
        {
            throw new SandboxInputException("The QR code's keys do not match the companion that received this ref.", 400, "qr");
        }

        return await PairAsync(account, pending, data.AdvSecret, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The user types <paramref name="code"/> on the virtual phone <paramref name="phone"/>: the phone answers the
    /// companion that asked to link to this number, checks its key bundle, and pairs it as a QR scan would.
    /// </summary>
    /// <returns>The new device's JID.</returns>
    public async Task<string> EnterLinkCodeAsync(string phone, string code, CancellationToken cancellationToken)
    {
        var account = await _accounts.FindAsync(phone, cancellationToken).ConfigureAwait(false)
            ?? throw new SandboxInputException($"No account with phone {phone}.", 404, "phone");
        string normalized;
        try
        {
            normalized = PairingCode.Normalize(code ?? "");
        }
        catch (PairingException ex)
        {
            throw new SandboxInputException(ex.Message, 400, "code");
        }

        if (!_pendingByPhone.TryGetValue(account.Phone, out var pending))
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
            _pendingByPhone.TryRemove(new KeyValuePair<string, PendingCodePairing>(account.Phone, pending));
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
            _pendingByPhone.TryRemove(new KeyValuePair<string, PendingCodePairing>(account.Phone, pending));
            connection.Send(Error(finish, 400, "bad-request"));
            throw new SandboxInputException($"Code pairing failed: {ex.Message} (a wrong code gives this too).", 400, "code");
        }

        connection.Send(Result(finish));
        return await PairAsync(account, pending.Pending, advSecret, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> PairAsync(SandboxAccount account, PendingPairing pending, byte[] advSecret, CancellationToken cancellationToken)
    {
        await _pairingGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (deviceId, keyIndex) = await _accounts.NextCompanionSlotAsync(account.Phone, cancellationToken).ConfigureAwait(false);
            var accountKey = new KeyPair(account.IdentityPublic, account.IdentityPrivate);
            var identity = PrimaryAdvIdentity.CreatePairSuccess(accountKey, pending.IdentityKey, advSecret, (uint)keyIndex, _time.GetUtcNow());
            var deviceJid = $"{account.Phone}:{deviceId}@s.whatsapp.net";
            var iq = new Node("iq", NodeAttributes.Of(("from", ServerJid), ("type", "set"), ("id", pending.Connection.NextId()), ("t", Now())), [
                new Node("pair-success", null, [
                    new Node("device-identity", NodeAttributes.Of(("key-index", keyIndex.ToString(CultureInfo.InvariantCulture))), identity),
                    Leaf("platform", ("name", "android")),
                    Leaf("device", ("jid", deviceJid), ("lid", $"{account.Lid}:{deviceId}@lid")),
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

            await _accounts.AddCompanionAsync(account.Phone, deviceId, keyIndex, pending.NoiseKey, pending.Platform, cancellationToken).ConfigureAwait(false);
            ForgetPending(pending);
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

    private async Task RunRegistrationAsync(ServerConnection connection, byte[] noiseKey, ClientPayload.Types.DevicePairingRegistrationData registration, ClientPayload payload, CancellationToken cancellationToken)
    {
        if (registration.EIdent.Length != 32)
        {
            await connection.CloseAsync(ServerConnection.StreamError("400", "bad-request")).ConfigureAwait(false);
            return;
        }

        var refs = Enumerable.Range(0, RefsPerPairDevice).Select(_ => "2@" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(33))).ToList();
        var platform = payload.UserAgent?.Device is { Length: > 0 } device ? device : "web";
        var pending = new PendingPairing(connection, refs, noiseKey, registration.EIdent.ToByteArray(), platform);
        foreach (var r in refs)
        {
            _pendingByRef[r] = pending;
        }

        try
        {
            connection.Send(new Node("iq", NodeAttributes.Of(("from", ServerJid), ("type", "set"), ("id", connection.NextId()), ("xmlns", "md")),
                [new Node("pair-device", null, refs.Select(r => new Node("ref", null, System.Text.Encoding.ASCII.GetBytes(r))))]));
            await connection.RunAsync(DispatchRegistrationAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ForgetPending(pending);
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
        else
        {
            connection.Send(Error(node, 401, "not-authorized"));
        }

        return ValueTask.CompletedTask;
    }

    private void HandleLinkCodeStage(ServerConnection connection, Node iq, Node registration)
    {
        var pending = _pendingByRef.Values.FirstOrDefault(p => p.Connection == connection);
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

                var reference = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
                _pendingByPhone[jid.User] = new PendingCodePairing(pending, jid.User, wrapped, reference);
                connection.Send(Result(iq, new Node("link_code_companion_reg", null, [Bytes("link_code_pairing_ref", reference)])));
                return;
            }

            case "companion_finish":
            {
                var waiting = _pendingByPhone.Values.FirstOrDefault(p => p.Pending.Connection == connection);
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

    private async Task RunLoginAsync(ServerConnection connection, byte[] noiseKey, ClientPayload payload, CancellationToken cancellationToken)
    {
        var phone = payload.HasUsername ? payload.Username.ToString(CultureInfo.InvariantCulture) : "";
        var deviceId = (int)payload.Device;
        var account = phone.Length == 0 ? null : await _accounts.FindAsync(phone, cancellationToken).ConfigureAwait(false);
        var storedKey = account is null ? null : await _accounts.FindNoiseKeyAsync(account.Phone, deviceId, cancellationToken).ConfigureAwait(false);
        if (account is null || storedKey is null || !CryptographicOperations.FixedTimeEquals(storedKey, noiseKey))
        {
            LogLoginRefused(phone, deviceId);
            await connection.CloseAsync(new Node("failure", NodeAttributes.Of(("reason", "401")))).ConfigureAwait(false);
            return;
        }

        var device = new ConnectedDevice(account, deviceId);
        connection.Device = device;
        if (_devices.Replace(account.Phone, deviceId, connection) is { } previous)
        {
            await previous.CloseAsync(ServerConnection.StreamError(null, "conflict", ("type", "replaced"))).ConfigureAwait(false);
        }

        LogLoggedIn(device.Jid);
        connection.Send(new Node("success", NodeAttributes.Of(("t", Now()), ("lid", device.LidJid), ("location", "sandbox"), ("props", "0"), ("abprops", "0"))));
        try
        {
            await connection.RunAsync(DispatchLoggedInAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _devices.Remove(account.Phone, deviceId, connection);
        }
    }

    private async ValueTask DispatchLoggedInAsync(ServerConnection connection, Node node)
    {
        var device = connection.Device!;
        if (_devices.Faults(device.Account.Phone, device.DeviceId).TakeMute())
        {
            return;
        }

        switch (node.Tag)
        {
            case "iq" when node.Attr("type") is "result" or "error":
                connection.TryCompleteQuery(node);
                break;
            case "iq" when node.Attr("xmlns") == "md" && node.FirstChild()?.Tag == "remove-companion-device":
                connection.Send(Result(node));
                LogLoggedOut(device.Jid);
                await RemoveDeviceAsync(device.Account.Phone, device.DeviceId, connection.Closed).ConfigureAwait(false);
                break;
            case "iq":
                connection.Send(await _iqs.HandleAsync(device, node, connection.Closed).ConfigureAwait(false));
                if (node.Attr("xmlns") == "passive" && node.FirstChild()?.Tag == "active" && !connection.CaughtUp)
                {
                    var replayed = await _router.ReplayAsync(connection, device, connection.Closed).ConfigureAwait(false);
                    connection.Send(new Node("ib", null, [Leaf("offline", ("count", replayed.ToString(CultureInfo.InvariantCulture)))]));
                }

                break;
            case "message":
                await _router.RouteMessageAsync(device, node, reply => connection.Send(reply), connection.Closed).ConfigureAwait(false);
                break;
            case "receipt":
                await _router.RouteReceiptAsync(device, node, reply => connection.Send(reply), connection.Closed).ConfigureAwait(false);
                break;
            case "ack":
                await _router.AcknowledgeAsync(device, node, connection.Closed).ConfigureAwait(false);
                break;
            default:
                LogIgnored(device.Jid, node.Tag);
                break;
        }
    }

    private void ForgetPending(PendingPairing pending)
    {
        foreach (var (phone, code) in _pendingByPhone)
        {
            if (code.Pending == pending)
            {
                _pendingByPhone.TryRemove(new KeyValuePair<string, PendingCodePairing>(phone, code));
                code.Finish.TrySetCanceled();
            }
        }

        foreach (var r in pending.Refs)
        {
            _pendingByRef.TryRemove(new KeyValuePair<string, PendingPairing>(r, pending));
        }
    }

    private string Now() => _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox handshake failed: {Reason}")]
    private partial void LogHandshakeFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox paired companion {Device}")]
    private partial void LogPaired(string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox refused login of {Phone}:{Device} (unknown device or noise key)")]
    private partial void LogLoginRefused(string phone, int device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox device {Device} logged in")]
    private partial void LogLoggedIn(string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox device {Device} logged out")]
    private partial void LogLoggedOut(string device);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sandbox device {Device}: <{Tag}> not handled yet")]
    private partial void LogIgnored(string device, string tag);
}
