using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using WaEngine.Engine.Binary;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// The AB props the server answers <c>iq xmlns="abt"</c> <c>&lt;props protocol="1"&gt;</c> with: each a
/// <c>&lt;prop config_code config_value/&gt;</c>. The defaults are the props the references gate features on, with the
/// values WhatsApp serves today as the references assume them (B:chats.js fetchProps and its <c>serverProps</c> defaults):
/// 10518 <c>privacy_token_sending_on_all_1_on_1_messages</c> on (tokens on every 1:1 message, R2), 9666
/// <c>profile_scraping_privacy_token_in_photo_iq</c> on (tokens in profile-picture iqs), 14303
/// <c>lid_trusted_token_issue_to_lid</c> off (tokens issued to the phone-number JID). whatsmeow reads no props (it hard-codes
/// the same behaviour). The control API can change a value for every client that fetches props afterwards. Thread-safe.
/// </summary>
public sealed class AbProps
{
    /// <summary>The props a fresh sandbox serves, by config code.</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["10518"] = "true",
        ["9666"] = "true",
        ["14303"] = "false",
    };

    private readonly ConcurrentDictionary<string, string> _values = new(Defaults, StringComparer.Ordinal);

    /// <summary>Every prop served now, by config code.</summary>
    public IReadOnlyDictionary<string, string> All => new SortedDictionary<string, string>(_values, StringComparer.Ordinal);

    /// <summary>Sets one prop (a new code is served from now on too).</summary>
    public void Set(string configCode, string value) => _values[configCode] = value;

    /// <summary>The hash of the props served now (it changes with the values; clients keep it as their last prop hash).</summary>
    public string Hash => HashOf(All);

    /// <summary>The <c>&lt;props&gt;</c> answer with every prop and their hash.</summary>
    public Node Answer()
    {
        var all = All;
        return new Node("props", NodeAttributes.Of(("protocol", "1"), ("hash", HashOf(all))),
            [.. all.Select(p => new Node("prop", NodeAttributes.Of(("config_code", p.Key), ("config_value", p.Value))))]);
    }

    private static string HashOf(IReadOnlyDictionary<string, string> props) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(';', props.Select(p => p.Key + "=" + p.Value)))))[..16].ToLowerInvariant();
}
