using System.Globalization;
using System.Text;

namespace WaEngine.Api.Validation;

/// <summary>Whether a reaction is one emoji: a single grapheme (with its skin tone, ZWJ sequence, flag or keycap) that is a pictograph.</summary>
public static class EmojiText
{
    /// <summary>Longest grapheme accepted (UTF-16 units); the longest standard ZWJ sequences are around 35.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="text"/> is exactly one emoji.</summary>
    public static bool IsSingleEmoji(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length is 0 or > MaxLength || new StringInfo(text).LengthInTextElements != 1)
        {
            return false;
        }

        var first = Rune.GetRuneAt(text, 0);
        if (Rune.GetUnicodeCategory(first) == UnicodeCategory.OtherSymbol)
        {
            return true;
        }

        // Keycaps (1️⃣, #️⃣) start with a digit, '#' or '*' and end with the combining enclosing keycap.
        return text.EndsWith('\u20E3') && (Rune.IsDigit(first) || first.Value is '#' or '*');
    }
}
