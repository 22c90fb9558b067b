using System.Globalization;
using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Tests.Binary;

/// <summary>
/// Seeded random nodes covering every wire form: tokens, double tokens, nibble and hex packing (including lengths past
/// 127), raw ASCII and UTF-8 strings of BINARY_8/BINARY_20 sizes, JIDs of every server (JID_PAIR and AD_JID with lid and
/// hosted domains), child lists, and bytes up to past 65,536. It avoids the inputs Baileys cannot round-trip: integer-like
/// attribute keys (JS objects reorder them), names inherited from Object.prototype (its TOKEN_MAP finds them), AD_JID
/// device 0 (Baileys drops ":0") and raw string content (it decodes as bytes).
/// </summary>
internal sealed class RandomNodes(int seed)
{
    private const string Ascii = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.:/+=!?#,;'\"\\";
    private const string Identifier = "abcdefghijklmnopqrstuvwxyz_-:";
    private static readonly string[] Unicode = ["é", "ñ", "中文", "😀", "ß", "Ω", "\u00a0", "👍🏽"];
    private static readonly string[] ObjectPrototypeNames =
    [
        "constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable",
        "toLocaleString", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
    ];

    private static readonly string[] Servers = ["s.whatsapp.net", "lid", "g.us", "broadcast", "newsletter", "c.us", "hosted", "hosted.lid", "bot", "msgr", "interop"];
    private static readonly string[] DeviceServers = ["s.whatsapp.net", "lid", "hosted", "hosted.lid"];

    private readonly Random _random = new(seed);
    private int _count;

    public Node Next() => NextNode(depth: 1);

    public string NextJid()
    {
        var user = _random.Next(10) switch
        {
            0 => string.Empty,
            1 => "status",
            2 => RandomString("0123456789ABCDEF", 4, 20),
            3 => RandomString("abcdefghijklmnopqrstuvwxyz-", 1, 12),
            4 => RandomString("0123456789", 3, 6) + "-" + RandomString("0123456789", 10, 10),
            _ => RandomString("0123456789", 5, 18),
        };
        var withDevice = user.Length > 0 && _random.Next(3) == 0;
        if (withDevice)
        {
            var server = DeviceServers[_random.Next(DeviceServers.Length)];
            var device = server.StartsWith("hosted", StringComparison.Ordinal) ? 99 : _random.Next(1, 256);
            return string.Create(CultureInfo.InvariantCulture, $"{user}:{device}@{server}");
        }

        return user + "@" + Servers[_random.Next(Servers.Length)];
    }

    private Node NextNode(int depth)
    {
        _count++;
        var tag = _random.Next(3) == 0 ? RandomIdentifier() : RandomToken();
        var attributes = NextAttributes();
        var kind = depth >= 4 ? _random.Next(3) : _random.Next(4);
        return kind switch
        {
            0 => new Node(tag, attributes),
            1 => new Node(tag, attributes, NextBytes()),
            2 => new Node(tag, attributes, NextTextContent()),
            _ => new Node(tag, attributes, NextChildren(depth)),
        };
    }

    private List<Node> NextChildren(int depth)
    {
        var count = _random.Next(10) == 0 ? 0 : _random.Next(1, 5);
        var children = new List<Node>(count);
        for (var i = 0; i < count; i++)
        {
            children.Add(NextNode(depth + 1));
        }

        return children;
    }

    private NodeAttributes NextAttributes()
    {
        var count = _random.Next(7);
        var pairs = new List<KeyValuePair<string, string>>(count);
        while (pairs.Count < count)
        {
            var key = _random.Next(2) == 0 ? RandomToken() : RandomIdentifier();
            if (IsIntegerLike(key) || pairs.Exists(p => p.Key == key))
            {
                continue;
            }

            pairs.Add(new KeyValuePair<string, string>(key, NextValue()));
        }

        return new NodeAttributes(pairs);
    }

    private string NextValue() => _random.Next(10) switch
    {
        0 => TokenDictionary.SingleByte[_random.Next(1, TokenDictionary.SingleByte.Length)],
        1 => TokenDictionary.DoubleByte[_random.Next(4)][_random.Next(256)],
        2 => RandomString("0123456789-.", 1, 135),
        3 => RandomString("0123456789ABCDEF", 1, 135),
        4 => RandomString("0123456789abcdef", 1, 40),
        5 or 6 => NextJid(),
        7 => NextRaw(),
        8 => RandomUnicode(),
        _ => string.Empty,
    };

    private string NextTextContent() => _random.Next(5) switch
    {
        0 => TokenDictionary.SingleByte[_random.Next(1, TokenDictionary.SingleByte.Length)],
        1 => TokenDictionary.DoubleByte[_random.Next(4)][_random.Next(256)],
        2 => RandomString("0123456789-.", 1, 127),
        3 => RandomString("0123456789ABCDEF", 1, 127),
        _ => NextJid(),
    };

    private string NextRaw()
    {
        var length = _random.Next(20) == 0 ? _random.Next(250, 400) : _random.Next(1, 40);
        string value;
        do
        {
            value = RandomString(Ascii, length, length);
        }
        while (Array.IndexOf(ObjectPrototypeNames, value) >= 0);

        return value;
    }

    private string RandomUnicode()
    {
        var parts = _random.Next(1, 6);
        var text = string.Empty;
        for (var i = 0; i < parts; i++)
        {
            text += _random.Next(2) == 0 ? Unicode[_random.Next(Unicode.Length)] : RandomString("abcxyz ", 1, 4);
        }

        return text;
    }

    private byte[] NextBytes()
    {
        var length = (_count % 2000) switch
        {
            1999 => _random.Next(65_537, 70_000),
            _ when _random.Next(10) == 0 => _random.Next(256, 600),
            _ => _random.Next(0, 64),
        };
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string RandomToken()
    {
        string token;
        do
        {
            token = _random.Next(2) == 0
                ? TokenDictionary.SingleByte[_random.Next(1, TokenDictionary.SingleByte.Length)]
                : TokenDictionary.DoubleByte[_random.Next(4)][_random.Next(256)];
        }
        while (IsIntegerLike(token));

        return token;
    }

    private string RandomIdentifier()
    {
        string value;
        do
        {
            value = RandomString(Identifier, 1, 14);
        }
        while (Array.IndexOf(ObjectPrototypeNames, value) >= 0);

        return value;
    }

    private string RandomString(string alphabet, int minLength, int maxLength)
    {
        var length = _random.Next(minLength, maxLength + 1);
        return string.Create(length, (alphabet, _random), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state._random.Next(state.alphabet.Length)];
            }
        });
    }

    private static bool IsIntegerLike(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return value.Length > 0;
    }
}
