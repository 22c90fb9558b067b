using WaEngine.Engine.Crypto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Media;
using WaEngine.Sandbox.Noise;
using WaEngine.Sandbox.Phone;
using WaEngine.Sandbox.Protocol;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Storage;

namespace WaEngine.Sandbox.Hosting;

/// <summary>
/// One running sandbox: its database, server keys, accounts and media host. Started by the host
/// (<see cref="IHostedService"/>) before requests are served, stopped on shutdown.
/// </summary>
public sealed partial class SandboxRuntime(SandboxOptions options, ILoggerFactory loggerFactory, TimeProvider time) : IHostedLifecycleService, IAsyncDisposable
{
    private readonly ILogger<SandboxRuntime> _logger = loggerFactory.CreateLogger<SandboxRuntime>();
    private readonly RuleBook _rules = new(options.Strict, loggerFactory.CreateLogger<RuleBook>());
    private LoginRules? _login;
    private Parts? _parts;

    /// <summary>The options it runs with.</summary>
    public SandboxOptions Options => options;

    /// <summary>The server rules: whether they are enforced, and how often each was broken.</summary>
    public RuleBook Rules => _rules;

    /// <summary>The login lifecycle rules: client versions (R8), refused accounts (R9), passkey-gated linking (R12), pace (R18), replacements (R19).</summary>
    public LoginRules Login => _login ??= new LoginRules(options, _rules, time);

    /// <summary>The root key pair whose public half clients trust for the Noise certificate chain.</summary>
    public KeyPair RootKey => Started.RootKey;

    /// <summary>The server's Noise static key pair.</summary>
    public KeyPair StaticKey => Started.StaticKey;

    /// <summary>The virtual phones.</summary>
    public AccountRegistry Accounts => Started.Accounts;

    /// <summary>The server side of the protocol: connections, pairing, routing.</summary>
    public SandboxNetwork Network => Started.Network;

    /// <summary>The virtual phones' primary devices.</summary>
    public VirtualPhones Phones => Started.Phones;

    /// <summary>The prekey bundles devices published.</summary>
    public DeviceKeyStore Keys => Started.Keys;

    /// <summary>The HTTPS media host.</summary>
    public MediaHost Media => Started.Media;

    /// <summary>The CA clients trust for the media host.</summary>
    public MediaCertificateAuthority MediaAuthority => Started.Authority;

    private Parts Started => _parts ?? throw new InvalidOperationException("The sandbox has not started yet.");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        options.Validate();
        LogDataFolder(options.DataFolder);
        LogStrictness(options.Strict ? "strict: refuses what WhatsApp refuses" : "lenient: rule breaches are logged, not refused");
        var database = await SandboxDatabase.OpenAsync(options.DataFolder, cancellationToken).ConfigureAwait(false);
        var root = await ServerKeyStore.LoadOrCreateAsync(database, "root", cancellationToken).ConfigureAwait(false);
        var intermediate = await ServerKeyStore.LoadOrCreateAsync(database, "intermediate", cancellationToken).ConfigureAwait(false);
        var staticKey = await ServerKeyStore.LoadOrCreateAsync(database, "static", cancellationToken).ConfigureAwait(false);
        var chain = new NoiseCertificateAuthority(root, intermediate).IssueChain(staticKey.PublicKey);
        var authority = MediaCertificateAuthority.LoadOrCreate(Path.Combine(options.DataFolder, "tls"), time);
        var media = await MediaHost.StartAsync(options, authority, loggerFactory, cancellationToken).ConfigureAwait(false);
        var accounts = new AccountRegistry(database, time);
        var keys = new DeviceKeyStore(database);
        var network = new SandboxNetwork(staticKey, chain, accounts, keys, new StanzaQueue(database, time), () => new MediaConnInfo(media.AuthToken, media.HostAndPort), _rules, time, loggerFactory, Login, options.AckTimeout, options.RequirePrivacyTokens, database);
        await network.PrivacyTokens.LoadAsync(cancellationToken).ConfigureAwait(false);
        var phones = new VirtualPhones(options.DataFolder, database, accounts, keys, network, time, loggerFactory.CreateLogger<VirtualPhones>());
        network.AttachPrimaryDevices(phones);
        phones.MediaRetries = new PhoneMediaRetries(media, network, phones.FindMessageAsync, time, loggerFactory.CreateLogger<PhoneMediaRetries>());
        foreach (var account in await accounts.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            await phones.EnsureKeysAsync(account, cancellationToken).ConfigureAwait(false);
        }

        _parts = new Parts(database, root, staticKey, accounts, keys, authority, media, network, phones);
    }

    /// <summary>
    /// Ends every client connection as soon as the host is told to stop: the web server stops before the sandbox and
    /// waits for open requests — each websocket is one — so connections left open would hold the shutdown until its timeout.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (_parts is { } parts)
        {
            await parts.Network.CloseAllAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_parts is { } parts)
        {
            _parts = null;
            await parts.Network.CloseAllAsync().ConfigureAwait(false);
            await parts.Media.DisposeAsync().ConfigureAwait(false);
            parts.Phones.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox data folder {Folder}")]
    private partial void LogDataFolder(string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox rules {Mode}")]
    private partial void LogStrictness(string mode);

    private sealed record Parts(SandboxDatabase Database, KeyPair RootKey, KeyPair StaticKey, AccountRegistry Accounts, DeviceKeyStore Keys, MediaCertificateAuthority Authority, MediaHost Media, SandboxNetwork Network, VirtualPhones Phones);
}
