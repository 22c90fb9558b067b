using System.Text;

namespace WaEngine.Engine.Binary;

/// <summary>
/// The one rule for a phone number given by a person: digits, optionally written with <c>+</c>, spaces, dashes and
/// parentheses; 6 to 15 digits with the country code first (E.164). Used by the engine, the API and the sandbox.
/// </summary>
public static class PhoneNumber
{
    /// <summary>The fewest digits accepted.</summary>
    public const int MinDigits = 6;

    /// <summary>The most digits accepted (E.164).</summary>
    public const int MaxDigits = 15;

    /// <summary>The digits of <paramref name="phone"/>.</summary>
    /// <exception cref="ArgumentException">A character that is not a digit or separator, or too few or too many digits; the message says which.</exception>
    public static string Normalize(string phone)
    {
        if (!TryNormalize(phone, out var digits, out var problem))
        {
            throw new ArgumentException(problem, nameof(phone));
        }

        return digits;
    }

    /// <summary>The digits of <paramref name="phone"/>, or false with a sentence saying what is wrong.</summary>
    public static bool TryNormalize(string? phone, out string digits, out string problem)
    {
        digits = "";
        if (string.IsNullOrWhiteSpace(phone))
        {
            problem = "The phone number is empty.";
            return false;
        }

        var builder = new StringBuilder(phone.Length);
        foreach (var c in phone)
        {
            if (char.IsAsciiDigit(c))
            {
                builder.Append(c);
            }
            else if (c is not ('+' or ' ' or '-' or '(' or ')'))
            {
                problem = $"The phone number \"{phone}\" has a character that is not a digit: '{c}'.";
                return false;
            }
        }

        if (builder.Length is < MinDigits or > MaxDigits)
        {
            problem = $"The phone number \"{phone}\" has {builder.Length} digits (expected {MinDigits} to {MaxDigits}).";
            return false;
        }

        digits = builder.ToString();
        problem = "";
        return true;
    }
}
