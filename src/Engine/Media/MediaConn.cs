using System.Globalization;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;

namespace WaEngine.Engine.Media;

/// <summary>
/// The server's answer to <c>media_conn</c>: the upload auth, the media hosts in the order to try them, and how long
/// the answer may be used (Baileys and whatsmeow cache it for <c>ttl</c> seconds).
/// </summary>
/// <param name="Auth">The <c>auth</c> query value of uploads.</param>
/// <param name="Hosts">Host names (with a port where the server gives one), tried in turn.</param>
/// <param name="Ttl">How long the answer is good for.</param>
/// <param name="FetchedAt">When it was fetched.</param>
public sealed record MediaConn(string Auth, IReadOnlyList<string> Hosts, TimeSpan Ttl, DateTimeOffset FetchedAt)
{
    /// <summary>True once <see cref="Ttl"/> has passed at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= FetchedAt + Ttl;

    /// <summary>The query: <c>&lt;iq xmlns="w:m" type="set" to="s.whatsapp.net"&gt;&lt;media_conn/&gt;&lt;/iq&gt;</c>.</summary>
    public static Node BuildQuery(string id) =>
        new("iq", NodeAttributes.Of(("id", id), ("to", "s.whatsapp.net"), ("type", "set"), ("xmlns", "w:m")), [new Node("media_conn")]);

    /// <summary>Reads the answer; a <see cref="StanzaException"/> when it has no auth or no host.</summary>
    public static MediaConn Parse(Node answer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var conn = answer.RequiredChild("media_conn");
        var auth = conn.Attr("auth");
        var hosts = conn.ChildrenNamed("host").Select(h => h.Attr("hostname")).OfType<string>().Where(h => h.Length > 0).ToList();
        var problems = new List<string>();
        if (string.IsNullOrEmpty(auth))
        {
            problems.Add("no auth");
        }

        if (hosts.Count == 0)
        {
            problems.Add("no <host hostname>");
        }

        if (problems.Count > 0)
        {
            throw new StanzaException($"<media_conn> answer has {string.Join(" and ", problems)}.");
        }

        var ttl = int.TryParse(conn.Attr("ttl"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : 300;
        return new MediaConn(auth!, hosts, TimeSpan.FromSeconds(ttl), now);
    }
}
