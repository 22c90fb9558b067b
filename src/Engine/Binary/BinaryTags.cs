namespace WaEngine.Engine.Binary;

/// <summary>The tag bytes of the binary node format (token indices 1..235 are the single-byte tokens).</summary>
internal static class BinaryTags
{
    /// <summary>An empty list, or a null string.</summary>
    public const byte ListEmpty = 0;

    /// <summary>The first of the four double-byte dictionaries; the next byte indexes into it.</summary>
    public const byte Dictionary0 = 236;

    /// <summary>The last of the four double-byte dictionaries.</summary>
    public const byte Dictionary3 = 239;

    /// <summary>Interop JID: user string, device uint16, integrator uint16, server string.</summary>
    public const byte InteropJid = 245;

    /// <summary>Messenger JID: user string, device uint16, server string.</summary>
    public const byte FBJid = 246;

    /// <summary>Device JID: domain type byte, device byte, user string.</summary>
    public const byte ADJid = 247;

    /// <summary>List with a one-byte size.</summary>
    public const byte List8 = 248;

    /// <summary>List with a big-endian two-byte size.</summary>
    public const byte List16 = 249;

    /// <summary>JID pair: user string (or <see cref="ListEmpty"/>) and server string.</summary>
    public const byte JidPair = 250;

    /// <summary>Packed string over 0-9 A-F.</summary>
    public const byte Hex8 = 251;

    /// <summary>Bytes with a one-byte length.</summary>
    public const byte Binary8 = 252;

    /// <summary>Bytes with a 20-bit length in three bytes.</summary>
    public const byte Binary20 = 253;

    /// <summary>Bytes with a big-endian four-byte length.</summary>
    public const byte Binary32 = 254;

    /// <summary>Packed string over 0-9 '-' '.'.</summary>
    public const byte Nibble8 = 255;

    /// <summary>The longest string that may be packed with <see cref="Nibble8"/> or <see cref="Hex8"/>.</summary>
    public const int PackedMax = 127;

    /// <summary>The number of entries in the single-byte token table (entry 0 is unused).</summary>
    public const int SingleByteTokenCount = 236;
}
