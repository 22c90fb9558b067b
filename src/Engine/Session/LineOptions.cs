using WaEngine.Engine.Pairing;

namespace WaEngine.Engine.Session;

/// <summary>How one line connects and stays connected. Immutable; checked by <see cref="Validate"/> when an actor is made.</summary>
public sealed record LineOptions
{
    /// <summary>The chat websocket (WhatsApp: <c>wss://web.whatsapp.com/ws/chat</c>; the sandbox's <c>ws_url</c>).</summary>
    public required Uri ServerUrl { get; init; }

    /// <summary>The 32-byte Curve25519 root key the server's Noise certificate chain must verify against.</summary>
    public required byte[] TrustedRootKey { get; init; }

    /// <summary>Time between keepalive pings. Default 25 s.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// A connection from which nothing arrived for <see cref="KeepAliveInterval"/> plus this is dead and is replaced.
    /// Default 10 s.
    /// </summary>
    public TimeSpan KeepAliveSlack { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A message written to a connection that still answers pings but has not been acked by the server after this long
    /// was lost on the way: the connection is replaced and the message sent again (same id). WhatsApp acks every message
    /// stanza; whatsmeow gives a send 75 s. Default 60 s.
    /// </summary>
    public TimeSpan ServerAckTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the first QR code of a pair-device list is shown. Default 60 s.</summary>
    public TimeSpan FirstQrTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long each later QR code is shown. Default 20 s.</summary>
    public TimeSpan NextQrTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Backoff between reconnect attempts (jittered). Default 1 s doubling up to 2 min.</summary>
    public ReconnectPolicy Reconnect { get; init; } = ReconnectPolicy.Default;

    /// <summary>
    /// The pace shared by the lines of one service for their reconnects after a drop (R18): when the server restarts
    /// under a thousand lines, they log in again at this pace instead of all within their first backoff. Null (the
    /// default) reconnects each line as soon as its backoff ends.
    /// </summary>
    public ConnectPace? ReconnectPace { get; init; }

    /// <summary>Limit for websocket connect plus Noise handshake. Default 20 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Limit for an answer to one of our iqs. Default 20 s.</summary>
    public TimeSpan IqTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How often a connected line announces itself available for a moment (then unavailable again), so WhatsApp does
    /// not log it out as an inactive companion (SERVER-RULES R17; GOWA pulses daily). The first pulse goes out when the
    /// line connects. Default one day; <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan PresencePulse { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long logout waits for the server to confirm the device removal before wiping anyway. Default 5 s.</summary>
    public TimeSpan LogoutTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Prekeys are uploaded when the server holds fewer than this. Default 5 (as Baileys and whatsmeow).</summary>
    public int MinPreKeyCount { get; init; } = 5;

    /// <summary>How many one-time prekeys one upload carries. Default 50 (whatsmeow's wanted count).</summary>
    public int PreKeyUploadCount { get; init; } = 50;

    /// <summary>
    /// Prekeys uploaded when the server holds none (a new line, or one whose keys were all taken): 812, as WhatsApp
    /// clients do (SERVER-RULES R11).
    /// </summary>
    public int InitialPreKeyUploadCount { get; init; } = 812;

    /// <summary>What the ClientPayload says about this client (version, OS name, platform).</summary>
    public ClientPayloadOptions ClientPayload { get; init; } = new();

    /// <summary>
    /// Where the WhatsApp Web version each login announces comes from, shared by the lines of a host: it replaces
    /// <see cref="ClientPayloadOptions.Version"/> and, after a 405, is asked once for WhatsApp Web's current version
    /// (SERVER-RULES R8). Null (the default): <see cref="ClientPayloadOptions.Version"/>, never refreshed (a 405 ends in
    /// <c>client_outdated</c>).
    /// </summary>
    public WaWebVersionSource? Versions { get; init; }

    /// <summary>The companion platform id at the end of the QR string and in companion_hello. Default "1" (Chrome).</summary>
    public string PlatformId { get; init; } = "1";

    /// <summary>The platform text shown on the phone for phone-code pairing. Default "Chrome (Mac OS)".</summary>
    public string PlatformDisplay { get; init; } = "Chrome (Mac OS)";

    /// <summary>
    /// Opens the frame transport to the server; null (the default) means a websocket to <see cref="ServerUrl"/>. Tests
    /// hand in an in-memory pair whose server half a sandbox serves.
    /// </summary>
    public Func<Uri, CancellationToken, Task<Transport.IFrameTransport>>? Transport { get; init; }

    /// <summary>Capacity of the actor's mailbox (commands and connection events). Default 256.</summary>
    public int MailboxCapacity { get; init; } = 256;

    /// <summary>How long an outbound message may wait in the send queue (line offline, server unreachable) before it fails with <c>expired</c>. Default 24 h.</summary>
    public TimeSpan OutboundExpiry { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long a user's device list is trusted before it is fetched again (a devices notification drops it at once). Default 1 h.</summary>
    public TimeSpan DeviceListTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many retry receipts we send for one message before giving up on it, and how many of a peer's we honor. Default 5.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>
    /// Whether a store failure means the disk is full (the host knows its store; null: never). A stanza the line could not
    /// store for that reason is not acked: the line ends the connection and reconnects with backoff (reason
    /// <c>storage_full</c>), and the server delivers it again once there is room.
    /// </summary>
    public Func<Exception, bool>? IsStorageFull { get; init; }

    /// <summary>
    /// Runs the preparation step of messages queued with one (a text's link preview), inside the send queue; null sends
    /// such messages as stored.
    /// </summary>
    public Messaging.IOutgoingPreparer? OutgoingPreparer { get; init; }

    /// <summary>How often queued messages are checked for expiry while the line cannot send. Default 1 min.</summary>
    public TimeSpan SendQueueSweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (ServerUrl is null || (ServerUrl.Scheme != "ws" && ServerUrl.Scheme != "wss"))
        {
            throw new ArgumentException($"ServerUrl must be a ws:// or wss:// URL (was {ServerUrl}).", nameof(ServerUrl));
        }

        if (TrustedRootKey is not { Length: 32 })
        {
            throw new ArgumentException($"TrustedRootKey must be 32 bytes (was {TrustedRootKey?.Length ?? 0}).", nameof(TrustedRootKey));
        }

        RequirePositive(KeepAliveInterval, nameof(KeepAliveInterval));
        RequirePositive(KeepAliveSlack, nameof(KeepAliveSlack));
        RequirePositive(ServerAckTimeout, nameof(ServerAckTimeout));
        RequirePositive(FirstQrTimeout, nameof(FirstQrTimeout));
        RequirePositive(NextQrTimeout, nameof(NextQrTimeout));
        RequirePositive(ConnectTimeout, nameof(ConnectTimeout));
        RequirePositive(IqTimeout, nameof(IqTimeout));
        if (PresencePulse < TimeSpan.Zero)
        {
            throw new ArgumentException($"PresencePulse must be zero (off) or positive (was {PresencePulse}).", nameof(PresencePulse));
        }
        RequirePositive(LogoutTimeout, nameof(LogoutTimeout));
        ArgumentNullException.ThrowIfNull(Reconnect, nameof(Reconnect));
        Reconnect.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(MinPreKeyCount, nameof(MinPreKeyCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(PreKeyUploadCount, 1, nameof(PreKeyUploadCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialPreKeyUploadCount, 1, nameof(InitialPreKeyUploadCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MailboxCapacity, 8, nameof(MailboxCapacity));
        RequirePositive(OutboundExpiry, nameof(OutboundExpiry));
        RequirePositive(DeviceListTtl, nameof(DeviceListTtl));
        RequirePositive(SendQueueSweepInterval, nameof(SendQueueSweepInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetries, 1, nameof(MaxRetries));
        if (string.IsNullOrEmpty(PlatformId))
        {
            throw new ArgumentException("PlatformId must not be empty.", nameof(PlatformId));
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be positive (was {value}).", name);
        }
    }
}
