using System.Text;

namespace WaEngine.Engine.Messaging.Kinds;

/// <summary>
/// The vCard a WhatsApp contact card carries: built from a name and a phone number the way WhatsApp clients write it
/// (<c>TEL;type=CELL;type=VOICE;waid=&lt;digits&gt;:+&lt;digits&gt;</c>), checked when given whole, and read back for its
/// display name (<c>FN</c>) and phone numbers.
/// </summary>
public static class VCard
{
    /// <summary>Longest vCard accepted (characters).</summary>
    public const int MaxLength = 10_000;

    /// <summary>Longest contact name accepted (characters).</summary>
    public const int MaxNameLength = 256;

    /// <summary>A vCard 3.0 for <paramref name="name"/> with one mobile number (<paramref name="digits"/>: country code first, no +).</summary>
    public static string Build(string name, string digits)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(digits);
        var builder = new StringBuilder();
        builder.Append("BEGIN:VCARD\n");
        builder.Append("VERSION:3.0\n");
        builder.Append("FN:").Append(Escape(name)).Append('\n');
        builder.Append("TEL;type=CELL;type=VOICE;waid=").Append(digits).Append(":+").Append(digits).Append('\n');
        builder.Append("END:VCARD");
        return builder.ToString();
    }

    /// <summary>Why <paramref name="vcard"/> is not a vCard a contact card can carry, or null when it is.</summary>
    public static string? Problem(string vcard)
    {
        ArgumentNullException.ThrowIfNull(vcard);
        if (vcard.Length > MaxLength)
        {
            return $"vcard is {vcard.Length} characters long; the limit is {MaxLength}.";
        }

        var lines = Lines(vcard);
        if (lines.Count == 0 || !lines[0].Equals("BEGIN:VCARD", StringComparison.OrdinalIgnoreCase))
        {
            return "vcard must start with BEGIN:VCARD.";
        }

        if (!lines[^1].Equals("END:VCARD", StringComparison.OrdinalIgnoreCase))
        {
            return "vcard must end with END:VCARD.";
        }

        if (lines.Count(line => line.Equals("BEGIN:VCARD", StringComparison.OrdinalIgnoreCase)) != 1)
        {
            return "vcard must hold exactly one card (one BEGIN:VCARD … END:VCARD).";
        }

        if (!lines.Any(line => PropertyName(line) == "VERSION"))
        {
            return "vcard has no VERSION line (e.g. VERSION:3.0).";
        }

        if (string.IsNullOrWhiteSpace(DisplayNameOf(vcard)))
        {
            return "vcard has no FN line naming the contact (e.g. FN:Jane Doe).";
        }

        return null;
    }

    /// <summary>The card's display name (<c>FN</c>), unescaped, or null.</summary>
    public static string? DisplayNameOf(string vcard)
    {
        ArgumentNullException.ThrowIfNull(vcard);
        foreach (var line in Lines(vcard))
        {
            if (PropertyName(line) == "FN")
            {
                return Unescape(ValueOf(line)).Trim();
            }
        }

        return null;
    }

    /// <summary>The card's phone numbers: the <c>waid</c> digits when given, else the number as written.</summary>
    public static IReadOnlyList<string> PhonesOf(string vcard)
    {
        ArgumentNullException.ThrowIfNull(vcard);
        var phones = new List<string>();
        foreach (var line in Lines(vcard))
        {
            if (PropertyName(line) != "TEL")
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var parameters = colon < 0 ? "" : line[..colon];
            var waid = parameters.Split(';').FirstOrDefault(p => p.StartsWith("waid=", StringComparison.OrdinalIgnoreCase));
            var phone = waid is not null ? waid["waid=".Length..] : ValueOf(line).Trim();
            if (phone.Length > 0)
            {
                phones.Add(phone);
            }
        }

        return phones;
    }

    // Unfolds continuation lines (RFC 6350 §3.2: a line starting with a space or tab continues the previous one).
    private static List<string> Lines(string vcard)
    {
        var lines = new List<string>();
        foreach (var raw in vcard.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.Length > 0 && (raw[0] == ' ' || raw[0] == '\t') && lines.Count > 0)
            {
                lines[^1] += raw[1..];
            }
            else if (raw.Trim().Length > 0)
            {
                lines.Add(raw.Trim());
            }
        }

        return lines;
    }

    // "item1.TEL;type=CELL:+1…" → "TEL"
    private static string PropertyName(string line)
    {
        var end = line.IndexOfAny([':', ';']);
        var name = end < 0 ? line : line[..end];
        var dot = name.LastIndexOf('.');
        return (dot < 0 ? name : name[(dot + 1)..]).ToUpperInvariant();
    }

    private static string ValueOf(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "" : line[(colon + 1)..];
    }

    private static string Escape(string text) => text
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace("\r\n", "\\n", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                var next = text[++i];
                builder.Append(next is 'n' or 'N' ? '\n' : next);
            }
            else
            {
                builder.Append(text[i]);
            }
        }

        return builder.ToString();
    }
}
