using System.Globalization;
using System.Security.Cryptography;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Conversations;
using WaEngine.Sandbox.Rules;
using WaEngine.Sandbox.Storage;
using static WaEngine.Sandbox.Protocol.ServerNodes;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// Answers the queries a logged-in client sends: prekeys (count, upload, digest, bundles, rotate), passive, keepalive,
/// props, blocklist, privacy, media_conn, usync and app state. Every iq gets an answer: an unknown one gets
/// <c>501 feature-not-implemented</c>, a malformed one <c>400 bad-request</c>, never silence. Privacy-token issuance
/// (R2) goes to <paramref name="issuePrivacyTokens"/> when the network gives one.
/// </summary>
public sealed class IqHandler(AccountRegistry accounts, DeviceKeyStore keys, Func<MediaConnInfo> mediaConn, RuleBook rules,
    Func<ConnectedDevice, Node, CancellationToken, Task<Node>>? issuePrivacyTokens = null)
{
    /// <summary>Each account's read-receipt setting, answered and set through the privacy iq (R13); without it every account has read receipts on.</summary>
    public ReadReceiptSettings? ReadReceipts { get; init; }

    /// <summary>Answers the <c>w:g2</c> group iqs when the network has groups (see <see cref="Groups.GroupQueries"/>).</summary>
    public Func<ConnectedDevice, Node, CancellationToken, Task<Node>>? GroupQueries { get; init; }

    /// <summary>The AB props served to <c>abt</c> props iqs; without it, <see cref="AbProps.Defaults"/>.</summary>
    public AbProps? Props { get; init; }

    /// <summary>Told when a companion's first prekey upload is stored (the phone then sends it its history sync).</summary>
    public Func<ConnectedDevice, CancellationToken, Task>? CompanionReady { get; init; }

    /// <summary>Counts every iq by account and kind when set (<see cref="IqTally"/>).</summary>
    public IqTally? Tally { get; init; }

    /// <summary>What each device is told to read again; a <c>clean</c> iq clears its bit.</summary>
    public DirtyBits? Dirty { get; init; }

    /// <summary>How many one-time prekeys a device's first upload must hold (SERVER-RULES R11; WhatsApp Web uploads 812).</summary>
    public const int InitialPreKeyCount = 812;

    /// <summary>The answer to <paramref name="iq"/> from <paramref name="device"/>.</summary>
    public async Task<Node> HandleAsync(ConnectedDevice device, Node iq, CancellationToken cancellationToken)
    {
        try
        {
            var first = iq.FirstChild()?.Tag;
            Tally?.Count(device.Account.Phone, IqTally.KindOf(iq.Attr("xmlns"), iq.Attr("type"), first));
            return (iq.Attr("xmlns"), iq.Attr("type"), first) switch
            {
                ("w:p", "get", "ping") => Result(iq),
                ("encrypt", "get", "count") => Result(iq, Leaf("count", ("value", Text(await keys.CountAsync(device.Account.Phone, device.DeviceId, cancellationToken).ConfigureAwait(false))))),
                ("encrypt", "set", "registration") or ("encrypt", "set", "list") => await UploadAsync(device, iq, cancellationToken).ConfigureAwait(false),
                ("encrypt", "set", "rotate") => await RotateAsync(device, iq, cancellationToken).ConfigureAwait(false),
                ("encrypt", "get", "digest") => await DigestAsync(device, iq, cancellationToken).ConfigureAwait(false),
                ("encrypt", "get", "key") => await BundlesAsync(iq, cancellationToken).ConfigureAwait(false),
                ("passive", "set", "active" or "passive") => Result(iq),
                ("abt", "get", "props") => Result(iq, (Props ?? new AbProps()).Answer()),
                ("w", "get", "props") => Result(iq, Leaf("props", ("hash", "sandbox"))),
                ("blocklist", "get", _) => Result(iq, Leaf("list")),
                ("privacy", "get", "privacy") => Result(iq, Privacy(ReadReceipts?.Of(device.Account.Phone) ?? ReadReceiptSettings.All)),
                ("privacy", "set", "privacy") when ReadReceipts?.TryApply(device.Account.Phone, iq) == true => Result(iq),
                ("privacy", "set", "tokens") when issuePrivacyTokens is not null => await issuePrivacyTokens(device, iq, cancellationToken).ConfigureAwait(false),
                ("privacy", "set", _) => Result(iq),
                ("w:m", "set", "media_conn") => Result(iq, MediaConn(mediaConn())),
                ("usync", "get", "usync") => await UsyncAsync(iq, cancellationToken).ConfigureAwait(false),
                ("w:sync:app:state", "set", "sync") => Result(iq, AppStateSync(iq)),
                ("urn:xmpp:whatsapp:dirty", "set", _) => CleanDirty(device, iq),
                ("w:stats", _, _) => Result(iq),
                ("w:g2", _, _) when GroupQueries is not null => await GroupQueries(device, iq, cancellationToken).ConfigureAwait(false),
                _ => Error(iq, 501, "feature-not-implemented"),
            };
        }
        catch (StanzaException)
        {
            return Error(iq, 400, "bad-request");
        }
    }

    private Node CleanDirty(ConnectedDevice device, Node iq)
    {
        foreach (var clean in iq.ChildrenNamed("clean"))
        {
            if (clean.Attr("type") is { Length: > 0 } type)
            {
                Dirty?.Clean(device.Jid, type);
            }
        }

        return Result(iq);
    }

    private async Task<Node> UploadAsync(ConnectedDevice device, Node iq, CancellationToken cancellationToken)
    {
        var skey = iq.RequiredChild("skey");
        var uploaded = new DeviceKeys(
            ReadId(iq.RequiredChildBytes("registration")),
            iq.RequiredChildBytes("identity", 32),
            ReadId(skey.RequiredChildBytes("id")),
            skey.RequiredChildBytes("value", 32),
            skey.RequiredChildBytes("signature", 64));
        if (iq.RequiredChildBytes("type") is not [5])
        {
            throw new StanzaException("The key type is not 5 (Curve25519).");
        }

        var preKeys = new List<(int, byte[])>();
        foreach (var key in iq.Child("list")?.ChildrenNamed("key") ?? [])
        {
            preKeys.Add((ReadId(key.RequiredChildBytes("id")), key.RequiredChildBytes("value", 32)));
        }

        var firstUpload = await keys.FindAsync(device.Account.Phone, device.DeviceId, cancellationToken).ConfigureAwait(false) is null;
        if (firstUpload && preKeys.Count < InitialPreKeyCount
            && rules.Breach(ServerRule.R11, device.Jid, $"first prekey upload holds {preKeys.Count} keys, not {InitialPreKeyCount}"))
        {
            return Error(iq, 406, "not-acceptable");
        }

        await keys.UploadAsync(device.Account.Phone, device.DeviceId, uploaded, preKeys, cancellationToken).ConfigureAwait(false);
        if (firstUpload && device.DeviceId != 0 && CompanionReady is { } ready)
        {
            await ready(device, cancellationToken).ConfigureAwait(false);
        }

        return Result(iq);
    }

    private async Task<Node> RotateAsync(ConnectedDevice device, Node iq, CancellationToken cancellationToken)
    {
        var current = await keys.FindAsync(device.Account.Phone, device.DeviceId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return Error(iq, 404, "item-not-found");
        }

        var skey = iq.RequiredChild("rotate").RequiredChild("skey");
        var rotated = current with
        {
            SignedPreKeyId = ReadId(skey.RequiredChildBytes("id")),
            SignedPreKeyPublic = skey.RequiredChildBytes("value", 32),
            SignedPreKeySignature = skey.RequiredChildBytes("signature", 64),
        };
        await keys.UploadAsync(device.Account.Phone, device.DeviceId, rotated, [], cancellationToken).ConfigureAwait(false);
        return Result(iq);
    }

    private async Task<Node> DigestAsync(ConnectedDevice device, Node iq, CancellationToken cancellationToken)
    {
        var current = await keys.FindAsync(device.Account.Phone, device.DeviceId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return Error(iq, 404, "item-not-found");
        }

        var hash = SHA1.HashData([.. current.Identity, .. current.SignedPreKeyPublic, .. current.SignedPreKeySignature]);
        return Result(iq, new Node("digest", null, [
            Bytes("registration", Id32(current.RegistrationId)),
            Bytes("type", new byte[] { 5 }),
            Bytes("identity", current.Identity),
            new Node("skey", null, [Bytes("id", Id24(current.SignedPreKeyId)), Bytes("value", current.SignedPreKeyPublic), Bytes("signature", current.SignedPreKeySignature)]),
            new Node("list", null, []),
            Bytes("hash", hash),
        ]));
    }

    private async Task<Node> BundlesAsync(Node iq, CancellationToken cancellationToken)
    {
        var asked = new List<(Jid Jid, string? Phone)>();
        foreach (var user in iq.RequiredChild("key").ChildrenNamed("user"))
        {
            var reader = new AttributeReader(user);
            var jid = reader.Jid("jid");
            reader.ThrowIfInvalid();
            asked.Add((jid, (await accounts.FindByJidAsync(jid, cancellationToken).ConfigureAwait(false))?.Phone));
        }

        // One fetch, one transaction: the prekeys it hands out are taken together.
        var taken = await keys.TakeBundlesAsync([.. asked.Where(a => a.Phone is not null).Select(a => (a.Phone!, (int)(a.Jid.Device ?? 0)))], cancellationToken).ConfigureAwait(false);
        var users = new List<Node>();
        var next = 0;
        foreach (var (jid, phone) in asked)
        {
            var bundle = phone is null ? null : taken[next++];
            if (bundle is null)
            {
                users.Add(new Node("user", NodeAttributes.Of(("jid", jid.ToString())), [Leaf("error", ("code", "404"), ("text", "item-not-found"))]));
                continue;
            }

            var children = new List<Node>
            {
                Bytes("registration", Id32(bundle.Keys.RegistrationId)),
                Bytes("type", new byte[] { 5 }),
                Bytes("identity", bundle.Keys.Identity),
                new Node("skey", null, [Bytes("id", Id24(bundle.Keys.SignedPreKeyId)), Bytes("value", bundle.Keys.SignedPreKeyPublic), Bytes("signature", bundle.Keys.SignedPreKeySignature)]),
            };
            if (bundle.PreKey is { } preKey)
            {
                children.Add(new Node("key", null, [Bytes("id", Id24(preKey.Id)), Bytes("value", preKey.Public)]));
            }

            users.Add(new Node("user", NodeAttributes.Of(("jid", jid.ToString())), children));
        }

        return Result(iq, new Node("list", null, users));
    }

    private async Task<Node> UsyncAsync(Node iq, CancellationToken cancellationToken)
    {
        var usync = iq.RequiredChild("usync");
        var query = usync.RequiredChild("query");
        var wantDevices = query.Child("devices") is not null;
        var wantLid = query.Child("lid") is not null;
        var wantContact = query.Child("contact") is not null;

        var results = new List<Node>();
        foreach (var user in usync.RequiredChild("list").ChildrenNamed("user"))
        {
            var (account, asked) = await ResolveUserAsync(user, cancellationToken).ConfigureAwait(false);
            if (asked is null)
            {
                continue;
            }

            var children = new List<Node>();
            if (wantDevices)
            {
                var devices = account?.Devices.Select(d => d.DeviceId == 0
                    ? Leaf("device", ("id", "0"))
                    : d.IsHosted
                        ? Leaf("device", ("id", Text(d.DeviceId)), ("key-index", Text(d.KeyIndex)), ("is_hosted", "true"))
                        : Leaf("device", ("id", Text(d.DeviceId)), ("key-index", Text(d.KeyIndex)))).ToList() ?? [];
                children.Add(new Node("devices", null, [new Node("device-list", null, devices)]));
            }

            if (wantLid && account is not null)
            {
                children.Add(Leaf("lid", ("val", account.LidJid)));
            }

            if (wantContact)
            {
                var phone = ContactText(user);
                var contact = phone is null
                    ? Leaf("contact", ("type", account is null ? "out" : "in"))
                    : new Node("contact", NodeAttributes.Of(("type", account is null ? "out" : "in")), phone);
                children.Add(contact);
            }

            // The answer names each user as it was asked: a LID stays a LID (whatsmeow keys its device cache and the devices
            // it addresses by the answer's jid, and sends DMs by LID; Baileys keeps one namespace per chat), a phone number
            // or contact comes back as the account's phone-number JID.
            results.Add(new Node("user", NodeAttributes.Of(("jid", AnswerJid(account, asked))), children));
        }

        var echo = new List<(string, string)>();
        foreach (var key in (string[])["sid", "mode", "context", "index", "last"])
        {
            if (usync.Attr(key) is { } value)
            {
                echo.Add((key, value));
            }
        }

        return Result(iq, new Node("usync", NodeAttributes.Of([.. echo]), [new Node("list", null, results)]));
    }

    private static string AnswerJid(SandboxAccount? account, string asked) =>
        account is not null && Jid.TryParse(asked, out var jid) && jid.Server == JidServers.Lid
            ? (jid with { Device = null, Agent = null }).ToString()
            : account?.Jid ?? asked;

    private async Task<(SandboxAccount? Account, string? Asked)> ResolveUserAsync(Node user, CancellationToken cancellationToken)
    {
        if (user.Attr("jid") is { } text)
        {
            if (!Jid.TryParse(text, out var jid))
            {
                throw new StanzaException($"usync user jid '{text}' is not a JID.");
            }

            return (await accounts.FindByJidAsync(jid with { Device = null }, cancellationToken).ConfigureAwait(false), text);
        }

        if (ContactText(user) is { } phone)
        {
            var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
            var account = digits.Length == 0 ? null : await accounts.FindByJidAsync(new Jid(digits, JidServers.WhatsApp), cancellationToken).ConfigureAwait(false);
            return (account, (digits.Length == 0 ? phone : digits) + "@s.whatsapp.net");
        }

        return (null, null);
    }

    private static string? ContactText(Node user) =>
        user.Child("contact") is { } contact && contact.ContentKind != NodeContentKind.None
            ? System.Text.Encoding.UTF8.GetString(contact.ContentBytes().Span)
            : null;

    private static Node Privacy(string readReceipts) => new("privacy", null, [
        Leaf("category", ("name", "last"), ("value", "all")),
        Leaf("category", ("name", "online"), ("value", "all")),
        Leaf("category", ("name", "profile"), ("value", "all")),
        Leaf("category", ("name", "status"), ("value", "all")),
        Leaf("category", ("name", "groupadd"), ("value", "all")),
        Leaf("category", ("name", "readreceipts"), ("value", readReceipts)),
    ]);

    private static Node MediaConn(MediaConnInfo info) =>
        new("media_conn", NodeAttributes.Of(("auth", info.Auth), ("ttl", "3600"), ("auth_ttl", "3600"), ("max_buckets", "12")),
            [Leaf("host", ("hostname", info.HostAndPort))]);

    private static Node AppStateSync(Node iq)
    {
        var collections = iq.RequiredChild("sync").ChildrenNamed("collection")
            .Select(c => Leaf("collection", ("name", c.Attr("name") ?? ""), ("version", c.Attr("version") ?? "0")))
            .ToList();
        return new Node("sync", null, collections);
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What <c>media_conn</c> hands out: the upload auth and the media host's host:port.</summary>
public sealed record MediaConnInfo(string Auth, string HostAndPort);
