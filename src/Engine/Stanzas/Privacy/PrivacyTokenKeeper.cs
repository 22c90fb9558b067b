using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Stanzas.Privacy;

/// <summary>
/// The privacy-token lifecycle of a line (SERVER-RULES R2): tokens contacts give us (<c>privacy_token</c> notifications,
/// issuance answers) are stored keyed by the contact's LID with their time and attached as <c>&lt;tctoken&gt;</c> while
/// they live (four buckets of seven days); after a 1:1 send we issue our own token to the contact once per bucket, the
/// issuance time stored so a restart does not issue again (the server rate-limits a storm with 429). One issuance per
/// contact runs at a time. Thread-safe: the notification runs on the loop, issuance in background work.
/// </summary>
internal sealed partial class PrivacyTokenKeeper(LineOptions options, IMessageStore messages, TimeProvider time, ILogger logger)
{
    /// <summary>One bucket, seven days (WhatsApp's <c>tctoken_duration</c>).</summary>
    public const long BucketSeconds = 604_800;

    /// <summary>How many buckets a received token lives (<c>tctoken_num_buckets</c>).</summary>
    public const int Buckets = 4;

    private readonly ConcurrentDictionary<string, Lazy<Task>> _issuing = new(StringComparer.Ordinal);

    /// <summary>
    /// When the server took our token for each contact, kept here as well as in the store: should the store refuse the
    /// record (a full disk), a second issuance in the same bucket would break R2 (the soak found it).
    /// </summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issuedAt = new(StringComparer.Ordinal);

    /// <summary>Whether a token issued at <paramref name="timestamp"/> is past the rolling window at <paramref name="now"/>.</summary>
    public static bool IsExpired(DateTimeOffset? timestamp, DateTimeOffset now) =>
        timestamp is not { } t || t.ToUnixTimeSeconds() < (now.ToUnixTimeSeconds() / BucketSeconds - (Buckets - 1)) * BucketSeconds;

    /// <summary>Whether our token must be issued again: never issued, or a new bucket has started since.</summary>
    public static bool IsIssueDue(DateTimeOffset? issuedAt, DateTimeOffset now) =>
        issuedAt is not { } t || now.ToUnixTimeSeconds() / BucketSeconds > t.ToUnixTimeSeconds() / BucketSeconds;

    /// <summary>The key a contact's tokens are stored under: its bare LID JID when known, else its bare phone-number JID.</summary>
    public async Task<string> ContactKeyAsync(string chatJid, CancellationToken cancellationToken)
    {
        var chat = Jid.Parse(chatJid) with { Device = null, Agent = null };
        if (chat.Server == JidServers.Lid)
        {
            return chat.ToString();
        }

        return await messages.FindLidForPnAsync(chat.ToString(), cancellationToken).ConfigureAwait(false) ?? chat.ToString();
    }

    /// <summary>The token to attach to a message to <paramref name="contactKey"/> (null if none lives) and whether our own is due.</summary>
    public async Task<(byte[]? TcToken, bool IssueDue)> ForSendAsync(string contactKey, CancellationToken cancellationToken)
    {
        var state = await messages.GetPrivacyTokenAsync(contactKey, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var token = state?.Token is { Length: > 0 } bytes && !IsExpired(state.TokenTimestamp, now) ? bytes : null;
        return (token, IsIssueDue(IssuedAt(contactKey, state?.IssuedAt), now));
    }

    /// <summary>The cstoken for a message to <paramref name="contactKey"/> when we hold no live token for it: null without our NCT salt or the contact's LID.</summary>
    public async Task<byte[]?> CsTokenAsync(string contactKey, CancellationToken cancellationToken) =>
        await messages.GetNctSaltAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } salt ? NctSalt.CsToken(salt, contactKey) : null;

    /// <summary>
    /// Issues our token to <paramref name="contactKey"/> unless it was issued in this bucket already; a second caller
    /// while one runs shares it. The answer's tokens are stored as the contact's. Never throws for a refusal (logged).
    /// </summary>
    public Task IssueAsync(LineConnection connection, string contactKey, CancellationToken cancellationToken) =>
        _issuing.GetOrAdd(contactKey, key => new Lazy<Task>(() => IssueCoreAsync(connection, key, reissue: false, cancellationToken))).Value;

    /// <summary>
    /// Issues our token to <paramref name="contactKey"/> once more after its identity changed, even within the bucket,
    /// provided we ever issued it one (as WhatsApp Web does); otherwise nothing. Never throws for a refusal (logged).
    /// </summary>
    public Task ReissueAsync(LineConnection connection, string contactKey, CancellationToken cancellationToken) =>
        _issuing.GetOrAdd(contactKey, key => new Lazy<Task>(() => IssueCoreAsync(connection, key, reissue: true, cancellationToken))).Value;

    /// <summary>A <c>privacy_token</c> notification: a contact issued us its token; stored under its LID.</summary>
    public async Task<StanzaOutcome> HandlePrivacyTokenNotificationAsync(Node notification, LineContext context)
    {
        var reader = new AttributeReader(notification);
        var sender = reader.Jid("from");
        var senderLid = reader.OptionalJid("sender_lid");
        reader.ThrowIfInvalid();
        var key = senderLid is { Server: JidServers.Lid } lid
            ? (lid with { Device = null, Agent = null }).ToString()
            : await ContactKeyAsync(sender.ToString(), context.Lifetime).ConfigureAwait(false);
        if (senderLid is { Server: JidServers.Lid } known && sender.Server == JidServers.WhatsApp)
        {
            await messages.SaveLidMappingAsync((known with { Device = null, Agent = null }).ToString(), (sender with { Device = null, Agent = null }).ToString(), context.Lifetime).ConfigureAwait(false);
        }

        var stored = await StoreTokensAsync(notification.Child("tokens"), key, context.Lifetime).ConfigureAwait(false);
        LogReceived(logger, key, stored);
        return StanzaOutcome.None;
    }

    /// <summary>The issuance iq: our trusted-contact token for <paramref name="contactJid"/>, issued at <paramref name="at"/>.</summary>
    public static Node BuildIssue(string id, string contactJid, DateTimeOffset at) =>
        new("iq", NodeAttributes.Of(("id", id), ("to", JidServers.WhatsApp), ("type", "set"), ("xmlns", "privacy")), [
            new Node("tokens", null, [
                new Node("token", NodeAttributes.Of(("jid", contactJid), ("t", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), ("type", "trusted_contact"))),
            ]),
        ]);

    private async Task IssueCoreAsync(LineConnection connection, string contactKey, bool reissue, CancellationToken cancellationToken)
    {
        try
        {
            var state = await messages.GetPrivacyTokenAsync(contactKey, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var issuedAt = IssuedAt(contactKey, state?.IssuedAt);
            if (reissue ? issuedAt is null : !IsIssueDue(issuedAt, now))
            {
                return;
            }

            var answer = await connection.QueryAsync(BuildIssue(connection.NextId(), contactKey, now), options.IqTimeout, cancellationToken).ConfigureAwait(false);
            _issuedAt[contactKey] = now;
            var stored = await StoreTokensAsync(answer.Child("tokens"), contactKey, cancellationToken).ConfigureAwait(false);
            await messages.SaveTokenIssuedAsync(contactKey, now, cancellationToken).ConfigureAwait(false);
            LogIssued(logger, contactKey, stored);
        }
        catch (LineException ex)
        {
            LogIssueFailed(logger, contactKey, ex.Message);
        }
        finally
        {
            _issuing.TryRemove(contactKey, out _);
        }
    }

    /// <summary>The later of the stored issuance and the one this process remembers.</summary>
    private DateTimeOffset? IssuedAt(string contactKey, DateTimeOffset? stored) =>
        _issuedAt.TryGetValue(contactKey, out var remembered) && (stored is null || remembered > stored) ? remembered : stored;

    private async Task<int> StoreTokensAsync(Node? tokens, string contactKey, CancellationToken cancellationToken)
    {
        var stored = 0;
        foreach (var token in tokens?.ChildrenNamed("token") ?? [])
        {
            var bytes = token.ContentBytes();
            if (token.Attr("type") != "trusted_contact" || bytes.Length == 0
                || !long.TryParse(token.Attr("t"), NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t == 0)
            {
                LogTokenSkipped(logger, contactKey, token.Attr("type") ?? "", token.Attr("t") ?? "");
                continue;
            }

            await messages.SavePrivacyTokenAsync(contactKey, bytes.ToArray(), DateTimeOffset.FromUnixTimeSeconds(t), cancellationToken).ConfigureAwait(false);
            stored++;
        }

        return stored;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Privacy token from {Contact}: {Count} stored")]
    private static partial void LogReceived(ILogger logger, string contact, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued our privacy token to {Contact} ({Count} token(s) stored from the reply)")]
    private static partial void LogIssued(ILogger logger, string contact, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Issuing our privacy token to {Contact} failed: {Reason}")]
    private static partial void LogIssueFailed(ILogger logger, string contact, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Privacy token for {Contact} skipped: type '{Type}', t '{T}' (a trusted_contact token with a time is expected)")]
    private static partial void LogTokenSkipped(ILogger logger, string contact, string type, string t);
}
