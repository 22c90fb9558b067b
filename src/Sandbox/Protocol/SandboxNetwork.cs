using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Storage;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// The server side of the network, one instance per sandbox. It wires the parts that share the directory of connected
/// devices — <see cref="ConnectionAcceptor"/> (Noise responder), <see cref="CompanionPairing"/> (linking and unlinking
/// companions), <see cref="LoginDispatcher"/> (logged-in devices and what they send), <see cref="FaultInjector"/> — and
/// is where the virtual phones' primary devices plug in.
/// </summary>
public sealed class SandboxNetwork
{
    private readonly DeviceDirectory _devices = new();
    private readonly MessageRouter _router;

    /// <summary>Creates the network over the sandbox's stores and keys.</summary>
    public SandboxNetwork(KeyPair staticKey, byte[] certificateChain, AccountRegistry accounts, DeviceKeyStore keys, StanzaQueue queue, Func<MediaConnInfo> mediaConn, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _router = new MessageRouter(accounts, queue, _devices, time, loggerFactory.CreateLogger<MessageRouter>());
        Pairing = new CompanionPairing(accounts, keys, queue, _devices, time, loggerFactory.CreateLogger<CompanionPairing>());
        var login = new LoginDispatcher(accounts, _devices, new IqHandler(accounts, keys, mediaConn), _router, Pairing, time, loggerFactory.CreateLogger<LoginDispatcher>());
        Acceptor = new ConnectionAcceptor(staticKey, certificateChain, Pairing, login, loggerFactory);
        Faults = new FaultInjector(accounts, _devices);
    }

    /// <summary>Accepts client connections (control API: the websocket endpoint).</summary>
    internal ConnectionAcceptor Acceptor { get; }

    /// <summary>Links and unlinks companions (control API: scan, link-code, unlink).</summary>
    internal CompanionPairing Pairing { get; }

    /// <summary>Injects faults on devices (control API: faults).</summary>
    internal FaultInjector Faults { get; }

    /// <summary>Whether the device has a live connection.</summary>
    public bool IsOnline(string phone, int deviceId) => _devices.Find(phone, deviceId) is not null;

    /// <summary>Ends every live connection (the sandbox is stopping), so clients see the server go away at once.</summary>
    public async Task CloseAllAsync()
    {
        await Acceptor.StopAsync().ConfigureAwait(false);
        var connections = _devices.All().Concat(Pairing.PendingConnections).Distinct().ToList();
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
}
