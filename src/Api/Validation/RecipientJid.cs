using System.Globalization;
using WaEngine.Api.Errors;
using WaEngine.Engine.Binary;

namespace WaEngine.Api.Validation;

/// <summary>
/// Reads a recipient as the contract accepts it: a user JID (<c>digits@s.whatsapp.net</c>, also <c>@c.us</c>), a LID
/// (<c>digits@lid</c>), a group (<c>id@g.us</c>), <c>+E.164</c> or bare digits (spaces, dashes,
/// dots and parentheses between them are ignored). Phone numbers have 6 to 15 digits and become <c>digits@s.whatsapp.net</c>.
/// </summary>
public static class RecipientJid
{
    /// <summary>Fewest digits of a phone number.</summary>
    public const int MinDigits = PhoneNumber.MinDigits;

    /// <summary>Most digits of a phone number (E.164).</summary>
    public const int MaxDigits = PhoneNumber.MaxDigits;

    /// <summary>Longest <c>to</c> (or <c>jid</c>) accepted as written.</summary>
    public const int MaxInputLength = 128;

    /// <summary>The normalised chat JID of <paramref name="input"/>, or the problem with it (about <paramref name="param"/>).</summary>
    public static (string? Jid, ApiProblem? Problem) Normalize(string input, string param)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = input.Trim();
        if (text.Length == 0)
        {
            return (null, ApiProblem.Invalid(param, $"{param} must not be empty: give a JID, +E.164 or digits."));
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return Phone(text, param);
        }

        var user = text[..at];
        var server = text[(at + 1)..].ToLowerInvariant();
        switch (server)
        {
            case "s.whatsapp.net" or "c.us":
                if (user.Contains(':', StringComparison.Ordinal))
                {
                    return (null, ApiProblem.Invalid(param, $"{param} '{input}' names one device; give the user's JID without ':<device>'."));
                }

                return AllDigits(user) && user.Length is >= MinDigits and <= MaxDigits
                    ? (user + "@s.whatsapp.net", null)
                    : (null, ApiProblem.Invalid(param, $"{param} '{input}' is not a phone-number JID: the part before @ must be {MinDigits} to {MaxDigits} digits."));
            case "lid":
                return AllDigits(user) && user.Length is >= 1 and <= 20
                    ? (user + "@lid", null)
                    : (null, ApiProblem.Invalid(param, $"{param} '{input}' is not a LID: the part before @lid must be digits."));
            case "g.us":
                return IsGroupUser(user)
                    ? (user + "@g.us", null)
                    : (null, ApiProblem.Invalid(param, $"{param} '{input}' is not a group JID: the part before @g.us must be digits (an old group's creator-time form has one dash)."));
            default:
                return (null, ApiProblem.Invalid(param, $"{param} '{input}' is not a WhatsApp address: use digits@s.whatsapp.net, id@lid, +E.164 or digits."));
        }
    }

    private static (string? Jid, ApiProblem? Problem) Phone(string text, string param)
    {
        if (text.Any(c => char.IsAsciiLetter(c) || c == '@'))
        {
            return (null, ApiProblem.Invalid(param, $"{param} '{text}' is neither a JID nor a phone number: use digits@s.whatsapp.net, id@lid, +E.164 or digits."));
        }

        return PhoneNumber.TryNormalize(text, out var digits, out var problem)
            ? (digits + "@s.whatsapp.net", null)
            : (null, ApiProblem.Invalid(param, $"{param}: {problem}"));
    }

    /// <summary>A group JID's user part: digits, or the legacy <c>creator-time</c> form (digits, one dash, digits).</summary>
    public static bool IsGroupUser(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var parts = user.Split('-');
        return parts.Length is 1 or 2 && parts.All(p => AllDigits(p) && p.Length <= 30);
    }

    private static bool AllDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);
}
