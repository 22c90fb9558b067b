using System.Text.RegularExpressions;
using WaEngine.Api.Errors;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Groups;

/// <summary>Reads the group endpoints' route values and body fields, and says what is wrong with them.</summary>
public static partial class GroupRequestReader
{
    /// <summary>The group JID in the route (<c>id@g.us</c>), or the problem with it.</summary>
    public static (string? Jid, ApiProblem? Problem) GroupJid(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = Uri.UnescapeDataString(input).Trim();
        if (!text.EndsWith("@g.us", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiProblem.Invalid("jid", $"jid '{text}' is not a group JID: give the group's id@g.us."));
        }

        return RecipientJid.Normalize(text, "jid");
    }

    /// <summary>
    /// The participants of <paramref name="body"/> as user JIDs (numbers become <c>digits@s.whatsapp.net</c>), from
    /// <paramref name="min"/> to <see cref="GroupLimits.MaxParticipants"/>, duplicates dropped; null with the problem recorded.
    /// </summary>
    public static IReadOnlyList<string>? Participants(JsonBody body, int min)
    {
        ArgumentNullException.ThrowIfNull(body);
        var list = body.Strings("participants");
        if (list is null)
        {
            if (body.Problem is null)
            {
                body.Fail("participants", "participants is required: a list of phone numbers or JIDs.");
            }

            return null;
        }

        if (list.Count < min || list.Count > GroupLimits.MaxParticipants)
        {
            body.Fail("participants", $"participants has {list.Count} entries; give {min} to {GroupLimits.MaxParticipants}.");
            return null;
        }

        var result = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Length > RecipientJid.MaxInputLength)
            {
                body.Fail("participants", $"participants[{i}] is {list[i].Length} characters long; the limit is {RecipientJid.MaxInputLength}.");
                return null;
            }

            var (jid, problem) = RecipientJid.Normalize(list[i], $"participants[{i}]");
            if (problem is not null)
            {
                body.Fail("participants", problem.Message);
                return null;
            }

            if (jid!.EndsWith("@g.us", StringComparison.Ordinal))
            {
                body.Fail("participants", $"participants[{i}] '{list[i]}' is a group; a participant is a person (a phone number or JID).");
                return null;
            }

            if (!result.Contains(jid, StringComparer.Ordinal))
            {
                result.Add(jid);
            }
        }

        return result;
    }

    /// <summary>The invite code of a code or a <c>https://chat.whatsapp.com/…</c> link, or null when it is neither.</summary>
    public static string? InviteCode(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var text = input.Trim();
        foreach (var prefix in new[] { "https://chat.whatsapp.com/invite/", "https://chat.whatsapp.com/", "http://chat.whatsapp.com/", "chat.whatsapp.com/" })
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[prefix.Length..].TrimEnd('/');
                break;
            }
        }

        var query = text.IndexOfAny(['?', '#']);
        if (query >= 0)
        {
            text = text[..query];
        }

        return CodeShape().IsMatch(text) ? text : null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{6,64}$")]
    private static partial Regex CodeShape();
}
