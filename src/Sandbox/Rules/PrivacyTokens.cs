using System.Collections.Concurrent;
using Dapper;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// The server's side of privacy tokens (SERVER-RULES R2). An account issues a trusted-contact token to a contact
/// (<c>iq xmlns="privacy"</c> <c>&lt;tokens&gt;</c>): the contact's devices get it in a <c>privacy_token</c> notification
/// and the issuer gets it in the answer; either side may then attach it as <c>&lt;tctoken&gt;</c> to messages between
/// the two. Tokens live four buckets of seven days; a second issuance to the same contact in one bucket is a storm
/// (429). Each account has an NCT salt; a <c>&lt;cstoken&gt;</c> is HMAC-SHA256(salt of the sender, recipient LID JID).
/// A message with a token that does not check out is refused with 463; a first message to an account never in contact
/// with the sender that carries no token is refused only when <see cref="RequireForStrangers"/> is set (else counted).
/// State is kept in the sandbox's database when it has one (<see cref="LoadAsync"/>): a restart forgets no token,
/// contact or salt, as WhatsApp's servers never do. Thread-safe.
/// </summary>
public sealed class PrivacyTokens(RuleBook rules, TimeProvider time, bool requireForStrangers, Storage.SandboxDatabase? database = null)
{
    /// <summary>One bucket: seven days, as WhatsApp's <c>tctoken_duration</c> AB prop.</summary>
    public const long BucketSeconds = 604_800;

    /// <summary>How many buckets a token lives (<c>tctoken_num_buckets</c>).</summary>
    public const int Buckets = 4;

    private readonly ConcurrentDictionary<(string Issuer, string Contact), Issued> _issued = new();
    private readonly ConcurrentDictionary<(string, string), bool> _contacts = new();
    private readonly ConcurrentDictionary<string, byte[]> _salts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Issuer, string Contact), bool> _reissue = new();

    /// <summary>Whether a first message to a stranger without any token is refused (463) rather than only counted.</summary>
    public bool RequireForStrangers => requireForStrangers;

    /// <summary>The account's NCT salt (created on first use).</summary>
    public byte[] SaltOf(string phone) => _salts.GetOrAdd(phone, p =>
    {
        var salt = RandomNumberGenerator.GetBytes(32);
        Persist("INSERT OR IGNORE INTO privacy_salts (phone, salt) VALUES (@p, @salt);", new { p, salt });
        return salt;
    });

    /// <summary>Reads what an earlier run of the sandbox kept: issued tokens, contacts and salts.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (database is null)
        {
            return;
        }

        await using var connection = await database.ConnectAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in await connection.QueryAsync<(string Issuer, string Contact, byte[] Token, long IssuedAt)>("SELECT issuer, contact, token, issued_at FROM privacy_issued;").ConfigureAwait(false))
        {
            _issued[(row.Issuer, row.Contact)] = new Issued(row.Token, row.IssuedAt);
        }

        foreach (var (a, b) in await connection.QueryAsync<(string, string)>("SELECT a, b FROM privacy_contacts;").ConfigureAwait(false))
        {
            _contacts[(a, b)] = true;
        }

        foreach (var (phone, salt) in await connection.QueryAsync<(string, byte[])>("SELECT phone, salt FROM privacy_salts;").ConfigureAwait(false))
        {
            _salts[phone] = salt;
        }
    }

    /// <summary>The cstoken <paramref name="sender"/> attaches to a message to <paramref name="recipient"/>.</summary>
    public byte[] CsToken(SandboxAccount sender, SandboxAccount recipient)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipient);
        return HMACSHA256.HashData(SaltOf(sender.Phone), Encoding.UTF8.GetBytes(recipient.LidJid));
    }

    /// <summary>Remembers that two accounts exchanged a message (either way): no token is needed between them from now on.</summary>
    public void RecordContact(string phoneA, string phoneB)
    {
        var (a, b) = Pair(phoneA, phoneB);
        if (_contacts.TryAdd((a, b), true))
        {
            Persist("INSERT OR IGNORE INTO privacy_contacts (a, b) VALUES (@a, @b);", new { a, b });
        }
    }

    /// <summary>The accounts that have exchanged a message with <paramref name="phone"/>.</summary>
    public IReadOnlyList<string> ContactsOf(string phone) =>
        [.. _contacts.Keys.Where(p => p.Item1 == phone || p.Item2 == phone).Select(p => p.Item1 == phone ? p.Item2 : p.Item1).Distinct()];

    /// <summary>
    /// After <paramref name="phone"/>'s identity changed, each side of each of its pairs may issue its token once more in
    /// the current bucket (clients re-issue after an identity change; that is no storm).
    /// </summary>
    public void AllowReissue(string phone)
    {
        foreach (var key in _issued.Keys.Where(k => k.Issuer == phone || k.Contact == phone))
        {
            _reissue[key] = true;
        }
    }

    /// <summary>Whether two accounts have exchanged a message.</summary>
    public bool InContact(string phoneA, string phoneB) => _contacts.ContainsKey(Pair(phoneA, phoneB));

    /// <summary>
    /// Checks the token of a 1:1 message from <paramref name="sender"/> to <paramref name="recipient"/>: null when the
    /// server takes it, 463 when it refuses it (the breach is counted either way).
    /// </summary>
    public int? Refusal(string client, SandboxAccount sender, SandboxAccount recipient, Node message)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(message);
        if (message.Child("tctoken") is { } tctoken)
        {
            var presented = tctoken.ContentBytes().Span;
            var valid = Live(recipient.Phone, sender.Phone) is { } theirs && presented.SequenceEqual(theirs.Token)
                || Live(sender.Phone, recipient.Phone) is { } ours && presented.SequenceEqual(ours.Token);
            return valid || !rules.Breach(ServerRule.R2, client, $"tctoken to {recipient.Jid} matches no live token of the pair") ? null : 463;
        }

        if (message.Child("cstoken") is { } cstoken)
        {
            var valid = CryptographicOperations.FixedTimeEquals(cstoken.ContentBytes().Span, CsToken(sender, recipient));
            return valid || !rules.Breach(ServerRule.R2, client, $"cstoken to {recipient.Jid} is not HMAC(NCT salt, {recipient.LidJid})") ? null : 463;
        }

        if (InContact(sender.Phone, recipient.Phone))
        {
            return null;
        }

        var detail = $"first message to {recipient.Jid}, never in contact, carries no tctoken or cstoken";
        if (!requireForStrangers)
        {
            rules.Notice(ServerRule.R2, client, detail);
            return null;
        }

        return rules.Breach(ServerRule.R2, client, detail) ? 463 : null;
    }

    /// <summary>
    /// <paramref name="issuer"/> issues its token to <paramref name="contact"/>: the new token, or null when it already
    /// issued one to that contact in this bucket and the strict server refuses the storm (429).
    /// </summary>
    public IssuedToken? Issue(string client, SandboxAccount issuer, SandboxAccount contact)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(contact);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var key = (issuer.Phone, contact.Phone);
        if (_issued.TryGetValue(key, out var earlier) && earlier.IssuedAt / BucketSeconds == now / BucketSeconds && !_reissue.TryRemove(key, out _)
            && rules.Breach(ServerRule.R2, client, $"second privacy token issued to {contact.Jid} in one bucket (the first at {earlier.IssuedAt})"))
        {
            return null;
        }

        var token = new Issued(RandomNumberGenerator.GetBytes(24), now);
        _issued[key] = token;
        Persist(IssuedUpsert, new { issuer = issuer.Phone, contact = contact.Phone, token = token.Token, at = now });
        return new IssuedToken(token.Token, now);
    }

    /// <summary>
    /// <paramref name="issuer"/> issues its token to each of <paramref name="contacts"/> (one issuance iq): the new tokens
    /// in that order, or null when one of them is a storm the strict server refuses (429), and then none is issued. The
    /// tokens are stored in one transaction.
    /// </summary>
    public IReadOnlyList<IssuedToken>? IssueAll(string client, SandboxAccount issuer, IReadOnlyList<SandboxAccount> contacts)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(contacts);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        foreach (var contact in contacts)
        {
            var key = (issuer.Phone, contact.Phone);
            if (_issued.TryGetValue(key, out var earlier) && earlier.IssuedAt / BucketSeconds == now / BucketSeconds && !_reissue.TryRemove(key, out _)
                && rules.Breach(ServerRule.R2, client, $"second privacy token issued to {contact.Jid} in one bucket (the first at {earlier.IssuedAt})"))
            {
                return null;
            }
        }

        var issued = new List<IssuedToken>(contacts.Count);
        var rows = new List<object>(contacts.Count);
        foreach (var contact in contacts)
        {
            var token = new Issued(RandomNumberGenerator.GetBytes(24), now);
            _issued[(issuer.Phone, contact.Phone)] = token;
            rows.Add(new { issuer = issuer.Phone, contact = contact.Phone, token = token.Token, at = now });
            issued.Add(new IssuedToken(token.Token, now));
        }

        PersistAll(IssuedUpsert, rows);
        return issued;
    }

    /// <summary>The privacy-token notification that tells the device <paramref name="holderDeviceJid"/> that <paramref name="issuer"/> issued its account a token.</summary>
    public static Node BuildNotification(string id, SandboxAccount issuer, string holderDeviceJid, IssuedToken token)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(token);
        var t = token.Timestamp.ToString(CultureInfo.InvariantCulture);
        return new Node("notification", NodeAttributes.Of(("from", issuer.Jid), ("sender_lid", issuer.LidJid), ("type", "privacy_token"), ("id", id), ("t", t)), [
            new Node("tokens", null, [new Node("token", NodeAttributes.Of(("jid", holderDeviceJid), ("t", t), ("type", "trusted_contact")), token.Token)]),
        ]);
    }

    private Issued? Live(string issuer, string contact)
    {
        var cutoff = (time.GetUtcNow().ToUnixTimeSeconds() / BucketSeconds - (Buckets - 1)) * BucketSeconds;
        return _issued.TryGetValue((issuer, contact), out var token) && token.IssuedAt >= cutoff ? token : null;
    }

    /// <summary>Writes one change through at once (small, rare writes: issuances, first contacts, new salts).</summary>
    private void Persist(string sql, object parameters)
    {
        if (database is null)
        {
            return;
        }

        using var connection = database.Connect();
        connection.Execute(sql, parameters);
    }

    /// <summary>Writes many rows of one change in one transaction (an issuance iq naming many contacts).</summary>
    private void PersistAll(string sql, IReadOnlyList<object> rows)
    {
        if (database is null || rows.Count == 0)
        {
            return;
        }

        using var connection = database.Connect();
        using var transaction = connection.BeginTransaction();
        connection.Execute(sql, rows, transaction);
        transaction.Commit();
    }

    private const string IssuedUpsert =
        "INSERT INTO privacy_issued (issuer, contact, token, issued_at) VALUES (@issuer, @contact, @token, @at) ON CONFLICT (issuer, contact) DO UPDATE SET token = excluded.token, issued_at = excluded.issued_at;";

    private static (string, string) Pair(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);

    private sealed record Issued(byte[] Token, long IssuedAt);
}
