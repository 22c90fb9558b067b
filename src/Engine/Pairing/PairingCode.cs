using System.Security.Cryptography;

namespace WaEngine.Engine.Pairing;

/// <summary>
/// The 8-character code a user types on the phone to link a companion: 5 random bytes in base32 over the
/// alphabet <c>123456789ABCDEFGHJKLMNPQRSTVWXYZ</c> (no 0, I, O, U), most significant bits first.
/// </summary>
internal static class PairingCode
{
    /// <summary>Length of a code.</summary>
    public const int Length = 8;

    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

    /// <summary>A fresh random code.</summary>
    public static string Generate() => Encode(RandomNumberGenerator.GetBytes(5));

    /// <summary>Encodes bytes 5 bits at a time; a final partial group is padded with zero bits.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[(bytes.Length * 8 + 4) / 5];
        var count = 0;
        var buffer = 0;
        var bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[count++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }

            buffer &= (1 << bits) - 1;
        }

        if (bits > 0)
        {
            chars[count++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, count);
    }

    /// <summary>
    /// Accepts a code as a person may type it (any case, with a dash or spaces, e.g. <c>ABCD-1234</c>) and returns
    /// the 8 characters the key derivation uses, or throws <see cref="PairingException"/> saying what is wrong.
    /// </summary>
    public static string Normalize(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Span<char> chars = stackalloc char[Length];
        var count = 0;
        foreach (var c in input)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            var upper = char.ToUpperInvariant(c);
            if (!Alphabet.Contains(upper, StringComparison.Ordinal))
            {
                throw new PairingException($"Pairing code '{input}' contains '{c}', which pairing codes never use.");
            }

            if (count == Length)
            {
                throw new PairingException($"Pairing code '{input}' is longer than {Length} characters.");
            }

            chars[count++] = upper;
        }

        return count == Length
            ? new string(chars)
            : throw new PairingException($"Pairing code '{input}' has {count} characters (expected {Length}).");
    }
}
