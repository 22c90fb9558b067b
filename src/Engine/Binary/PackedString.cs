namespace WaEngine.Engine.Binary;

/// <summary>
/// The two 4-bit packings (NIBBLE_8 over 0-9 '-' '.', HEX_8 over 0-9 A-F): a length byte holding ceil(len/2) with bit 7
/// set for an odd length, then two characters per byte, high nibble first, an odd tail padded with 15.
/// </summary>
internal static class PackedString
{
    private const byte Pad = 15;

    /// <summary>True when <paramref name="value"/> is 1..127 characters of digits, '-' and '.'.</summary>
    public static bool IsNibble(string value)
    {
        if (value.Length == 0 || value.Length > BinaryTags.PackedMax)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c != '-' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when <paramref name="value"/> is 1..127 characters of digits and upper-case A-F (lower case is not packed).</summary>
    public static bool IsHex(string value)
    {
        if (value.Length == 0 || value.Length > BinaryTags.PackedMax)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'A' and <= 'F'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The encoded size of a packable string, including the tag and length bytes.</summary>
    public static int EncodedLength(string value) => 2 + ((value.Length + 1) / 2);

    /// <summary>Writes tag, length byte and packed pairs of a string already checked with <see cref="IsNibble"/> or <see cref="IsHex"/>.</summary>
    public static void Pack(string value, byte tag, Span<byte> destination)
    {
        destination[0] = tag;
        var length = (value.Length + 1) / 2;
        destination[1] = (byte)(length | ((value.Length & 1) << 7));
        var hex = tag == BinaryTags.Hex8;
        for (var i = 0; i < length; i++)
        {
            var high = PackChar(value[2 * i], hex);
            var low = (2 * i) + 1 < value.Length ? PackChar(value[(2 * i) + 1], hex) : Pad;
            destination[2 + i] = (byte)((high << 4) | low);
        }
    }

    /// <summary>
    /// Unpacks <paramref name="packed"/> (the bytes after the length byte). Returns null when a nibble has no character
    /// in the alphabet, with its position in <paramref name="badIndex"/>.
    /// </summary>
    public static string? Unpack(ReadOnlySpan<byte> packed, bool odd, byte tag, out int badIndex)
    {
        badIndex = -1;
        var hex = tag == BinaryTags.Hex8;
        Span<char> chars = stackalloc char[2 * BinaryTags.PackedMax + 2];
        for (var i = 0; i < packed.Length; i++)
        {
            var high = UnpackNibble(packed[i] >> 4, hex);
            var low = UnpackNibble(packed[i] & 0x0F, hex);
            if (high < 0 || low < 0)
            {
                badIndex = i;
                return null;
            }

            chars[2 * i] = (char)high;
            chars[(2 * i) + 1] = (char)low;
        }

        var length = (2 * packed.Length) - (odd && packed.Length > 0 ? 1 : 0);
        return new string(chars[..length]);
    }

    private static byte PackChar(char c, bool hex) => c switch
    {
        >= '0' and <= '9' => (byte)(c - '0'),
        '-' when !hex => 10,
        '.' when !hex => 11,
        >= 'A' and <= 'F' when hex => (byte)(c - 'A' + 10),
        _ => throw new ArgumentOutOfRangeException(nameof(c), c, "Character cannot be packed."),
    };

    private static int UnpackNibble(int value, bool hex)
    {
        if (hex)
        {
            return value < 10 ? '0' + value : 'A' + value - 10;
        }

        return value switch
        {
            < 10 => '0' + value,
            10 => '-',
            11 => '.',
            Pad => '\0',
            _ => -1,
        };
    }
}
