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

    /// <summary>The most contacts one issuance iq names.</summary>
    public const int IssueBatch = 64;

    private readonly ConcurrentDictionary<string, Task> _issuing = new(StringComparer.Ordinal);

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
        IssueManyAsync(connection, [contactKey], cancellationToken);

    /// <summary>
    /// Issues our token to each of <paramref name="contactKeys"/> not issued in this bucket already, in one iq (several
    /// <c>&lt;token&gt;</c> children, at most <see cref="IssueBatch"/> an iq), as a send pass does for the contacts it
    /// wrote to: before, each contact had an iq of its own. A contact whose issuance is running already shares it.
    /// The answers and issuance times are stored in one transaction. Never throws for a refusal (logged).
    /// </summary>
    public Task IssueManyAsync(LineConnection connection, IReadOnlyCollection<string> contactKeys, CancellationToken cancellationToken) =>
        ClaimAndIssueAsync(connection, contactKeys, reissue: false, cancellationToken);

    /// <summary>
    /// Issues our token to <paramref name="contactKey"/> once more after its identity changed, even within the bucket,
    /// provided we ever issued it one (as WhatsApp Web does); otherwise nothing. Never throws for a refusal (logged).
    /// </summary>
    public Task ReissueAsync(LineConnection connection, string contactKey, CancellationToken cancellationToken) =>
        ClaimAndIssueAsync(connection, [contactKey], reissue: true, cancellationToken);

    /// <summary>The issuance iq for one contact (see <see cref="BuildIssue(string, IReadOnlyCollection{string}, DateTimeOffset)"/>).</summary>
    public static Node BuildIssue(string id, string contactJid, DateTimeOffset at) => BuildIssue(id, [contactJid], at);

    /// <summary>The issuance iq: our trusted-contact token for each of <paramref name="contactJids"/>, issued at <paramref name="at"/>.</summary>
    public static Node BuildIssue(string id, IReadOnlyCollection<string> contactJids, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(contactJids);
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new("iq", NodeAttributes.Of(("id", id), ("to", JidServers.WhatsApp), ("type", "set"), ("xmlns", "privacy")), [
            new Node("tokens", null, [.. contactJids.Select(jid => new Node("token", NodeAttributes.Of(("jid", jid), ("t", t), ("type", "trusted_contact"))))]),
        ]);
    }

    private async Task ClaimAndIssueAsync(LineConnection connection, IReadOnlyCollection<string> contactKeys, bool reissue, CancellationToken cancellationToken)
    {
        // One issuance per contact at a time: a contact claimed by a running issuance waits for that one instead.
        var ours = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claimed = new List<string>();
        var running = new List<Task>();
        foreach (var key in contactKeys.Distinct(StringComparer.Ordinal))
        {
            var current = _issuing.GetOrAdd(key, ours.Task);
            if (ReferenceEquals(current, ours.Task))
            {
                claimed.Add(key);
            }
            else
            {
                running.Add(current);
            }
        }

        try
        {
            foreach (var batch in claimed.Chunk(IssueBatch))
            {
                await IssueCoreAsync(connection, batch, reissue, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var key in claimed)
            {
                _issuing.TryRemove(new KeyValuePair<string, Task>(key, ours.Task));
            }

            ours.TrySetResult();
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

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

    private async Task IssueCoreAsync(LineConnection connection, IReadOnlyList<string> contactKeys, bool reissue, CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var due = new List<string>(contactKeys.Count);
            foreach (var key in contactKeys)
            {
                var state = await messages.GetPrivacyTokenAsync(key, cancellationToken).ConfigureAwait(false);
                var issuedAt = IssuedAt(key, state?.IssuedAt);
                if (reissue ? issuedAt is not null : IsIssueDue(issuedAt, now))
                {
                    due.Add(key);
                }
            }

            if (due.Count == 0)
            {
                return;
            }

            var answer = await connection.QueryAsync(BuildIssue(connection.NextId(), due, now), options.IqTimeout, cancellationToken).ConfigureAwait(false);
            foreach (var key in due)
            {
                _issuedAt[key] = now;
            }

            var tokens = await TokensByContactAsync(answer.Child("tokens"), due, cancellationToken).ConfigureAwait(false);
            await messages.SaveTokensIssuedAsync([.. due.Select(key => new TokenIssued(key, now, tokens.GetValueOrDefault(key) ?? []))], cancellationToken).ConfigureAwait(false);
            foreach (var key in due)
            {
                LogIssued(logger, key, tokens.GetValueOrDefault(key)?.Count ?? 0);
            }
        }
        catch (LineException ex)
        {
            foreach (var key in contactKeys)
            {
                LogIssueFailed(logger, key, ex.Message);
            }
        }
    }

    /// <summary>
    /// The tokens an issuance answer carries, by the contact they belong to. Each <c>&lt;token&gt;</c> names its contact
    /// in <c>jid</c>, as asked (by LID when we asked by LID) or by phone number; the answer to a one-contact iq is that
    /// contact's whatever it names (Baileys and whatsmeow read it so).
    /// </summary>
    private async Task<Dictionary<string, List<(byte[] Token, DateTimeOffset Timestamp)>>> TokensByContactAsync(Node? tokens, IReadOnlyList<string> asked, CancellationToken cancellationToken)
    {
        var byContact = new Dictionary<string, List<(byte[], DateTimeOffset)>>(StringComparer.Ordinal);
        var keys = asked.ToHashSet(StringComparer.Ordinal);
        foreach (var token in tokens?.ChildrenNamed("token") ?? [])
        {
            var key = asked.Count == 1 ? asked[0] : await OwnerAsync(token.Attr("jid"), keys, cancellationToken).ConfigureAwait(false);
            if (key is null)
            {
                LogTokenUnasked(logger, token.Attr("jid") ?? "");
                continue;
            }

            if (Valid(token, key) is { } valid)
            {
                (byContact.TryGetValue(key, out var list) ? list : byContact[key] = []).Add(valid);
            }
        }

        return byContact;
    }

    private async Task<string?> OwnerAsync(string? jidText, HashSet<string> asked, CancellationToken cancellationToken)
    {
        if (jidText is null || !Jid.TryParse(jidText, out var jid))
        {
            return null;
        }

        var bare = (jid with { Device = null, Agent = null }).ToString();
        if (asked.Contains(bare))
        {
            return bare;
        }

        // Asked by LID, answered by phone number.
        return jid.Server == JidServers.WhatsApp && await messages.FindLidForPnAsync(bare, cancellationToken).ConfigureAwait(false) is { } lid && asked.Contains(lid) ? lid : null;
    }

    /// <summary>A trusted-contact token with its time, or null (logged) for anything else.</summary>
    private (byte[] Token, DateTimeOffset Timestamp)? Valid(Node token, string contactKey)
    {
        var bytes = token.ContentBytes();
        if (token.Attr("type") != "trusted_contact" || bytes.Length == 0
            || !long.TryParse(token.Attr("t"), NumberStyles.None, CultureInfo.InvariantCulture, out var t) || t == 0)
        {
            LogTokenSkipped(logger, contactKey, token.Attr("type") ?? "", token.Attr("t") ?? "");
            return null;
        }

        return (bytes.ToArray(), DateTimeOffset.FromUnixTimeSeconds(t));
    }

    /// <summary>The later of the stored issuance and the one this process remembers.</summary>
    private DateTimeOffset? IssuedAt(string contactKey, DateTimeOffset? stored) =>
        _issuedAt.TryGetValue(contactKey, out var remembered) && (stored is null || remembered > stored) ? remembered : stored;

    private async Task<int> StoreTokensAsync(Node? tokens, string contactKey, CancellationToken cancellationToken)
    {
        var stored = 0;
        foreach (var token in tokens?.ChildrenNamed("token") ?? [])
        {
            if (Valid(token, contactKey) is { } valid)
            {
                await messages.SavePrivacyTokenAsync(contactKey, valid.Token, valid.Timestamp, cancellationToken).ConfigureAwait(false);
                stored++;
            }
        }

        return stored;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Privacy token from {Contact}: {Count} stored")]
    private static partial void LogReceived(ILogger logger, string contact, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Issued our privacy token to {Contact} ({Count} token(s) stored from the reply)")]
    private static partial void LogIssued(ILogger logger, string contact, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Issuing our privacy token to {Contact} failed: {Reason}")]
    private static partial void LogIssueFailed(ILogger logger, string contact, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Privacy token in an issuance answer for {Jid}, a contact not asked for: skipped")]
    private static partial void LogTokenUnasked(ILogger logger, string jid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Privacy token for {Contact} skipped: type '{Type}', t '{T}' (a trusted_contact token with a time is expected)")]
    private static partial void LogTokenSkipped(ILogger logger, string contact, string type, string t);
}
