using System.Globalization;
using System.Text;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;

namespace WaEngine.Engine.Stanzas.Contacts;

/// <summary>
/// "Is this number on WhatsApp?" as one usync query for every number of a call, with the contact protocol and the LID
/// protocol (B:socket.js onWhatsApp builds <c>&lt;query&gt;&lt;contact/&gt;&lt;/query&gt;</c> with users
/// <c>&lt;user&gt;&lt;contact&gt;+digits&lt;/contact&gt;&lt;/user&gt;</c>, B:WAUSync adds <c>&lt;lid/&gt;</c>; W:user.go IsOnWhatsApp
/// uses mode <c>query</c>, context <c>interactive</c>). The answer's users carry <c>&lt;contact type="in|out"&gt;</c>
/// and, for accounts, <c>&lt;lid val&gt;</c>.
/// </summary>
public static class ContactLookup
{
    /// <summary>Most numbers one query asks for (WhatsApp Web's own lookups stay well under it; bulk checking is a ban trigger).</summary>
    public const int MaxNumbers = 50;

    /// <summary>The usync iq for <paramref name="phones"/> (digits, country code first).</summary>
    /// <exception cref="ArgumentException">No numbers, more than <see cref="MaxNumbers"/>, or one that is not digits.</exception>
    public static Node BuildQuery(string id, IReadOnlyList<string> phones)
    {
        ArgumentNullException.ThrowIfNull(phones);
        if (phones.Count is 0 or > MaxNumbers)
        {
            throw new ArgumentException($"A contact lookup asks for 1 to {MaxNumbers} numbers, not {phones.Count}.", nameof(phones));
        }

        var users = new List<Node>(phones.Count);
        foreach (var phone in phones)
        {
            if (phone.Length == 0 || !phone.All(char.IsAsciiDigit))
            {
                throw new ArgumentException($"'{phone}' is not a phone number in digits.", nameof(phones));
            }

            users.Add(new Node("user", null, [new Node("contact", null, "+" + phone)]));
        }

        var usync = new Node("usync", NodeAttributes.Of(("context", "interactive"), ("index", "0"), ("last", "true"), ("mode", "query"), ("sid", id)), [
            new Node("query", null, [new Node("contact"), new Node("lid")]),
            new Node("list", null, users),
        ]);
        return new Node("iq", NodeAttributes.Of(("id", id), ("to", JidServers.WhatsApp), ("type", "get"), ("xmlns", "usync")), [usync]);
    }

    /// <summary>
    /// One check per asked number, in the order asked: a number the answer does not mention (or marks <c>out</c>) is
    /// not on WhatsApp. Answer users are matched by the number echoed in their <c>&lt;contact&gt;</c>, else by their JID.
    /// </summary>
    /// <exception cref="StanzaException">The answer has no <c>&lt;usync&gt;&lt;list&gt;</c>.</exception>
    public static IReadOnlyList<ContactCheck> Parse(Node answer, IReadOnlyList<string> phones)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(phones);
        var list = answer.Child("usync")?.Child("list") ?? throw new StanzaException("The contact lookup answer has no <usync><list>.");
        var found = new Dictionary<string, ContactCheck>(StringComparer.Ordinal);
        foreach (var user in list.ChildrenNamed("user"))
        {
            var contact = user.Child("contact");
            Jid.TryParse(user.Attr("jid"), out var jid);
            var phone = contact is { ContentKind: not NodeContentKind.None } ? Digits(Encoding.UTF8.GetString(contact.ContentBytes().Span)) : null;
            phone ??= jid is { Server: JidServers.WhatsApp } ? jid.User : null;
            if (phone is null)
            {
                continue;
            }

            var isIn = contact?.Attr("type") == "in";
            var lid = user.Child("lid")?.Attr("val") is { } lidText && Jid.TryParse(lidText, out var lidJid) && lidJid.Server == JidServers.Lid
                ? (lidJid with { Device = null, Agent = null }).ToString()
                : null;
            var pn = isIn ? (jid is { Server: JidServers.WhatsApp } ? (jid with { Device = null, Agent = null }).ToString() : phone + "@" + JidServers.WhatsApp) : null;
            found[phone] = new ContactCheck(phone, isIn, pn, isIn ? lid : null);
        }

        return phones.Select(p => found.GetValueOrDefault(p) ?? new ContactCheck(p, false, null, null)).ToList();
    }

    private static string? Digits(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var digits = new string((at >= 0 ? text[..at] : text).Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 0 ? null : digits.ToString(CultureInfo.InvariantCulture);
    }
}
