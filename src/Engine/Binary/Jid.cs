using System.Globalization;

namespace WaEngine.Engine.Binary;

/// <summary>
/// A WhatsApp address in Baileys' string form <c>user[_agent][:device]@server</c>, e.g. <c>1234:2@s.whatsapp.net</c>,
/// <c>5678@lid</c>, <c>@s.whatsapp.net</c> (the server itself). Parsing is strict: one '@', a non-empty server, and the
/// agent (0..255) and device (0..65535) in canonical decimal; anything else is not a JID.
/// </summary>
/// <param name="User">The user part; empty for a server-only JID.</param>
/// <param name="Server">The server, e.g. <see cref="JidServers.WhatsApp"/>.</param>
/// <param name="Device">The device id, or null when the string has no device part (0 is the primary device).</param>
/// <param name="Agent">The agent (Baileys' domain type for non-LID servers), or null when absent.</param>
public readonly record struct Jid(string User, string Server, ushort? Device = null, byte? Agent = null)
{
    /// <summary>The AD_JID domain type: 1 for lid, 128 for hosted, 129 for hosted.lid, otherwise the agent or 0.</summary>
    public byte DomainType => Server switch
    {
        JidServers.Lid => 1,
        JidServers.Hosted => 128,
        JidServers.HostedLid => 129,
        _ => Agent ?? 0,
    };

    /// <summary>The server JID for a domain type, as the AD_JID decoder maps it (unknown types map to s.whatsapp.net).</summary>
    public static string ServerForDomainType(byte domainType) => domainType switch
    {
        1 => JidServers.Lid,
        128 => JidServers.Hosted,
        129 => JidServers.HostedLid,
        _ => JidServers.WhatsApp,
    };

    /// <summary>Parses <paramref name="text"/>, or throws <see cref="FormatException"/> saying why it is not a JID.</summary>
    public static Jid Parse(string text) =>
        TryParse(text, out var jid) ? jid : throw new FormatException($"'{text}' is not a JID (expected user[_agent][:device]@server).");

    /// <summary>Parses <paramref name="text"/> strictly; false when it is not a JID.</summary>
    public static bool TryParse(string? text, out Jid jid)
    {
        jid = default;
        if (text is null)
        {
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || at == text.Length - 1 || text.IndexOf('@', at + 1) >= 0)
        {
            return false;
        }

        var userPart = text.AsSpan(0, at);
        ushort? device = null;
        var colon = userPart.IndexOf(':');
        if (colon >= 0)
        {
            if (!TryParseCanonical(userPart[(colon + 1)..], ushort.MaxValue, out var value))
            {
                return false;
            }

            device = (ushort)value;
            userPart = userPart[..colon];
        }

        byte? agent = null;
        var underscore = userPart.IndexOf('_');
        if (underscore >= 0)
        {
            if (!TryParseCanonical(userPart[(underscore + 1)..], byte.MaxValue, out var value))
            {
                return false;
            }

            agent = (byte)value;
            userPart = userPart[..underscore];
        }

        jid = new Jid(userPart.ToString(), text[(at + 1)..], device, agent);
        return true;
    }

    /// <summary>The string form <c>user[_agent][:device]@server</c>.</summary>
    public override string ToString()
    {
        var agent = Agent is { } a ? "_" + a.ToString(CultureInfo.InvariantCulture) : string.Empty;
        var device = Device is { } d ? ":" + d.ToString(CultureInfo.InvariantCulture) : string.Empty;
        return string.Concat(User, agent, device, "@", Server);
    }

    private static bool TryParseCanonical(ReadOnlySpan<char> digits, int max, out int value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 5 || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value <= max;
    }
}
