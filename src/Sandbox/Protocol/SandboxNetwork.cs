using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Transport;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Conversations;
using WaEngine.Sandbox.Hosting;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Storage;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// The server side of the network, one instance per sandbox, and the one door to it (control API, virtual phones,
/// tests). The work is done by four parts that share the directory of connected devices:
/// <see cref="ConnectionAcceptor"/> (Noise responder), <see cref="CompanionPairing"/> (linking and unlinking companions),
/// <see cref="LoginDispatcher"/> (logged-in devices and what they send) and <see cref="FaultInjector"/>.
/// </summary>
public sealed class SandboxNetwork
{
    private readonly DeviceDirectory _devices = new();
    private readonly MessageRouter _router;
    private readonly ConnectionAcceptor _acceptor;
    private readonly CompanionPairing _pairing;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;

    /// <summary>Creates the network over the sandbox's stores and keys; <paramref name="ackTimeout"/> is how long a device may leave a stanza unacked (R6; default <see cref="SandboxOptions.DefaultAckTimeout"/>).</summary>
    public SandboxNetwork(KeyPair staticKey, byte[] certificateChain, AccountRegistry accounts, DeviceKeyStore keys, StanzaQueue queue, Func<MediaConnInfo> mediaConn, RuleBook rules, TimeProvider time, ILoggerFactory loggerFactory, LoginRules loginRules, TimeSpan? ackTimeout = null, bool requirePrivacyTokens = false, Storage.SandboxDatabase? database = null)
    {
        Rules = rules;
        Login = loginRules;
        PrivacyTokens = new PrivacyTokens(rules, time, requirePrivacyTokens, database);
        LidMigration = new LidMigrationRule(rules);
        IdentityChanges = new IdentityChanges(rules);
        _time = time;
        HostedDevices = new HostedDevices(rules);
        ReadReceipts = new ReadReceiptSettings(rules);
        _router = new MessageRouter(accounts, queue, _devices, new MessageShapeRules(rules), PrivacyTokens, IdentityChanges, HostedDevices, time, loggerFactory.CreateLogger<MessageRouter>()) { ReadReceipts = ReadReceipts, LidMigration = LidMigration };
        PrivacyIssuance = new PrivacyTokenIssuance(accounts, PrivacyTokens, _router, Iqs);
        Groups = database is null ? null : new Groups.SandboxGroups(database, accounts, queue, rules, _router.DeliverAsync, time, loggerFactory);
        _router.Groups = Groups?.Messages;
        _pairing = new CompanionPairing(accounts, keys, queue, _devices, time, loggerFactory.CreateLogger<CompanionPairing>()) { Passkeys = loginRules.Passkeys, Paired = MarkGroupsDirtyAsync };
        Presence = new PresenceHub(accounts, _devices, time) { FindGroup = Groups is null ? null : Groups.Store.FindAsync };
        var login = new LoginDispatcher(accounts, _devices, new IqHandler(accounts, keys, mediaConn, rules, PrivacyIssuance.HandleAsync) { Tally = Iqs, ReadReceipts = ReadReceipts, GroupQueries = Groups is null ? null : Groups.Queries.HandleAsync, Props = AbProps, Dirty = Dirty, CompanionReady = (d, ct) => _router.Primary?.CompanionReadyAsync(d.Account, d.DeviceId, ct) ?? Task.CompletedTask }, _router, _pairing, new AckWatch(rules, ackTimeout ?? SandboxOptions.DefaultAckTimeout, time, loggerFactory.CreateLogger<AckWatch>()), rules, time, loggerFactory.CreateLogger<LoginDispatcher>()) { Rules = loginRules, Presence = Presence, Dirty = Dirty };
        _acceptor = new ConnectionAcceptor(staticKey, certificateChain, _pairing, login, loggerFactory) { Rules = loginRules };
        _faults = new FaultInjector(accounts, _devices, time);
    }

    /// <summary>The AB props served to clients (control API <c>/sandbox/ab-props</c>).</summary>
    public AbProps AbProps { get; } = new();

    /// <summary>R1's account side: DMs by LID from accounts not LID-migrated, and what each account's devices wrote.</summary>
    public LidMigrationRule LidMigration { get; }

    /// <summary>The server rules every part checks clients against.</summary>
    public RuleBook Rules { get; }

    /// <summary>What each device is told to read again (a companion linked to an account in groups: its group list).</summary>
    public DirtyBits Dirty { get; } = new();

    /// <summary>The login lifecycle rules (client version, refused accounts, passkey-gated linking, pace, replacements).</summary>
    public LoginRules Login { get; }

    /// <summary>Presence subscriptions, announcements and chat states.</summary>
    internal PresenceHub Presence { get; }

    /// <summary>Each account's read-receipt privacy setting (R13).</summary>
    public ReadReceiptSettings ReadReceipts { get; }

    /// <summary>Groups (the <c>w:g2</c> iqs, <c>w:gp2</c> notifications and group message fan-out); null without a database.</summary>
    public Groups.SandboxGroups? Groups { get; }

    /// <summary>The iqs each account's devices sent, by kind.</summary>
    public IqTally Iqs { get; } = new();

    /// <summary>Privacy tokens issued, contacts made and NCT salts (R2).</summary>
    public PrivacyTokens PrivacyTokens { get; }

    /// <summary>Answers privacy-token issuance iqs (R2).</summary>
    internal PrivacyTokenIssuance PrivacyIssuance { get; }

    // A companion linked to an account already in groups learns of them from the server's dirty bit, not from notifications it never had.
    private async Task MarkGroupsDirtyAsync(Accounts.SandboxAccount account, string deviceJid, CancellationToken cancellationToken)
    {
        if (Groups is { } groups && (await groups.Store.ListForAsync(account.Phone, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            Dirty.Mark(deviceJid, DirtyBits.Groups, _time.GetUtcNow().ToUnixTimeSeconds());
        }
    }

    /// <summary>Whether the device has a live connection.</summary>
    public bool IsOnline(string phone, int deviceId) => _devices.Find(phone, deviceId) is not null;

    /// <summary>Serves one client connection until it ends (see <see cref="ConnectionAcceptor"/>).</summary>
    public Task RunConnectionAsync(IFrameTransport frames, CancellationToken cancellationToken) => _acceptor.RunConnectionAsync(frames, cancellationToken);

    /// <summary>Ends every live connection and refuses new ones (the sandbox is stopping), so clients see the server go away at once.</summary>
    public async Task CloseAllAsync()
    {
        await _acceptor.StopAsync().ConfigureAwait(false);
        var connections = _devices.All().Concat(_pairing.PendingConnections).Distinct().ToList();
        await Task.WhenAll(connections.Select(c => c.CloseAsync(null))).ConfigureAwait(false);
        await _router.Phones.DisposeAsync().ConfigureAwait(false);
        if (Groups is not null)
        {
            await Groups.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The virtual phone <paramref name="phone"/> scans <paramref name="qr"/> (see <see cref="CompanionPairing.ScanAsync"/>).</summary>
    /// <returns>The new device's JID.</returns>
    public Task<string> ScanAsync(string phone, string qr, CancellationToken cancellationToken) => _pairing.ScanAsync(phone, qr, cancellationToken);

    /// <summary>The user types <paramref name="code"/> on the virtual phone <paramref name="phone"/> (see <see cref="CompanionPairing.EnterLinkCodeAsync"/>).</summary>
    /// <returns>The new device's JID.</returns>
    public Task<string> EnterLinkCodeAsync(string phone, string code, CancellationToken cancellationToken) => _pairing.EnterLinkCodeAsync(phone, code, cancellationToken);

    /// <summary>The phone unlinks a companion (see <see cref="CompanionPairing.RemoveDeviceAsync"/>); false if it had no such device.</summary>
    public Task<bool> RemoveDeviceAsync(string phone, int deviceId, CancellationToken cancellationToken) => _pairing.RemoveDeviceAsync(phone, deviceId, cancellationToken);

    /// <summary>Hosted (Cloud API) devices and what reached them (R4).</summary>
    public HostedDevices HostedDevices { get; }

    /// <summary>Identity changes and the stale sessions they leave (R16).</summary>
    public IdentityChanges IdentityChanges { get; }

    /// <summary>
    /// <paramref name="changed"/>'s identity changed: every companion of every account in contact with it gets an
    /// <c>encrypt</c> notification with <c>&lt;identity/&gt;</c> (queued for those offline), and each pair may re-issue its
    /// privacy token (R16, R2).
    /// </summary>
    public async Task NotifyIdentityChangedAsync(SandboxAccount changed, AccountRegistry accounts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(accounts);
        var contacts = PrivacyTokens.ContactsOf(changed.Phone);
        IdentityChanges.Changed(changed, contacts);
        PrivacyTokens.AllowReissue(changed.Phone);
        foreach (var phone in contacts)
        {
            if (await accounts.FindAsync(phone, cancellationToken).ConfigureAwait(false) is not { } contact)
            {
                continue;
            }

            foreach (var device in contact.Devices.Where(d => d.DeviceId != 0))
            {
                var id = "identity-" + Guid.NewGuid().ToString("N");
                await _router.DeliverAsync(contact, device.DeviceId, "notification", id,
                    IdentityChanges.BuildNotification(id, changed, _time.GetUtcNow().ToUnixTimeSeconds()), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Injects a fault on a device (control API <c>POST /sandbox/faults</c>; see <see cref="FaultInjector"/>).</summary>
    public Task InjectFaultAsync(string deviceJid, FaultKind kind, string? code, int ms, int count, CancellationToken cancellationToken) =>
        _faults.InjectAsync(deviceJid, kind, code, ms, count, cancellationToken);

    /// <summary>Plugs in the virtual phones' primary devices.</summary>
    public void AttachPrimaryDevices(IPrimaryDevice primary) => _router.Primary = primary;

    /// <summary>Routes a message stanza sent by a device inside the sandbox (a virtual phone); the server ack goes to <paramref name="onAck"/>.</summary>
    public Task SendFromAsync(ConnectedDevice sender, Node message, Action<Node> onAck, CancellationToken cancellationToken) =>
        _router.RouteMessageAsync(sender, message, onAck, cancellationToken);

    /// <summary>
    /// Routes a virtual phone's message the way a client's is routed: the recipient's phone takes its copy after the
    /// ack, on its own time (bench/inbound's load; see <see cref="PhoneDeliveries"/>).
    /// </summary>
    public Task SendFromPhoneAsync(ConnectedDevice sender, Node message, CancellationToken cancellationToken) =>
        _router.RouteMessageAsync(sender, message, _ => { }, cancellationToken, phonesAfterAck: true);

    /// <summary>Queues a server-originated stanza (a call) for every companion of <paramref name="account"/>, sent at once to those online.</summary>
    public async Task DeliverToCompanionsAsync(SandboxAccount account, string stanzaClass, Node node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(node);
        var id = node.Attr("id") ?? throw new ArgumentException("The stanza has no id.", nameof(node));
        foreach (var device in account.Devices.Where(d => d.DeviceId != 0))
        {
            await _router.DeliverAsync(account, device.DeviceId, stanzaClass, id, node, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Queues a stanza for one companion device of <paramref name="account"/>, sent at once when it is online.</summary>
    public Task DeliverToDeviceAsync(SandboxAccount account, int deviceId, string stanzaClass, Node node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(node);
        return _router.DeliverAsync(account, deviceId, stanzaClass, node.Attr("id") ?? throw new ArgumentException("The stanza has no id.", nameof(node)), node, cancellationToken);
    }

    /// <summary>Routes a receipt sent by a device inside the sandbox (a virtual phone).</summary>
    public Task SendReceiptFromAsync(ConnectedDevice sender, Node receipt, CancellationToken cancellationToken) =>
        _router.RouteReceiptAsync(sender, receipt, _ => { }, cancellationToken);
}
