using System.Globalization;
using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas;

/// <summary>
/// Reads the attributes of one stanza and collects every problem instead of stopping at the first, so a bad stanza
/// is reported once with all that is wrong: <c>var r = new AttributeReader(node); var id = r.String("id"); … r.ThrowIfInvalid();</c>
/// </summary>
public sealed class AttributeReader(Node node)
{
    private readonly List<string> _problems = [];

    /// <summary>Whether every read so far succeeded.</summary>
    public bool IsValid => _problems.Count == 0;

    /// <summary>A required, non-empty string attribute.</summary>
    public string String(string key)
    {
        var value = node.Attr(key);
        if (string.IsNullOrEmpty(value))
        {
            _problems.Add($"'{key}' is missing");
            return string.Empty;
        }

        return value;
    }

    /// <summary>An optional string attribute.</summary>
    public string? OptionalString(string key) => node.Attr(key);

    /// <summary>A required JID attribute.</summary>
    public Jid Jid(string key)
    {
        var value = node.Attr(key);
        if (value is null)
        {
            _problems.Add($"'{key}' is missing");
            return default;
        }

        if (!Binary.Jid.TryParse(value, out var jid))
        {
            _problems.Add($"'{key}' is not a JID ('{value}')");
        }

        return jid;
    }

    /// <summary>An optional JID attribute; a present but malformed one is a problem.</summary>
    public Jid? OptionalJid(string key)
    {
        var value = node.Attr(key);
        if (value is null)
        {
            return null;
        }

        if (Binary.Jid.TryParse(value, out var jid))
        {
            return jid;
        }

        _problems.Add($"'{key}' is not a JID ('{value}')");
        return null;
    }

    /// <summary>A required integer attribute.</summary>
    public long Int64(string key)
    {
        var value = node.Attr(key);
        if (value is null)
        {
            _problems.Add($"'{key}' is missing");
            return 0;
        }

        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            _problems.Add($"'{key}' is not an integer ('{value}')");
        }

        return number;
    }

    /// <summary>An optional integer attribute; a present but malformed one is a problem.</summary>
    public long? OptionalInt64(string key)
    {
        var value = node.Attr(key);
        if (value is null)
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        _problems.Add($"'{key}' is not an integer ('{value}')");
        return null;
    }

    /// <summary>Throws a <see cref="StanzaException"/> listing every problem found, if there were any.</summary>
    public void ThrowIfInvalid()
    {
        if (_problems.Count > 0)
        {
            throw new StanzaException($"<{node.Tag}{NodeQueries.IdOf(node)}> is malformed: {string.Join("; ", _problems)}.");
        }
    }
}
