using WaEngine.Api.Errors;
using WaEngine.Api.Validation;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas.Contacts;

namespace WaEngine.Api.Conversations;

/// <summary>
/// Reads the bodies of the conversation endpoints (read, typing, presence, contact checks) against their body records:
/// the string fields through <see cref="BodyContract"/> (name, required, longest length), lists and their items here.
/// </summary>
public static class ConversationReader
{
    /// <summary>Most message ids one read names.</summary>
    public const int MaxReadIds = 500;

    /// <summary>The string fields of <paramref name="contract"/> as given (absent ones null); problems go to <paramref name="body"/>.</summary>
    public static Dictionary<string, string?> Strings(JsonBody body, BodyContract contract)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(contract);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var field in contract.Fields)
        {
            values[field.Name] = body.String(field.Name, field.Required, field.MaxLength);
        }

        return values;
    }

    /// <summary>The chat named by <paramref name="to"/> (a contact; groups are refused as not supported yet), or the problem.</summary>
    public static (string? Jid, ApiProblem? Problem) Chat(string? to)
    {
        if (to is null)
        {
            return (null, ApiProblem.Invalid("to", "to is required."));
        }

        return RecipientJid.Normalize(to, "to");
    }

    /// <summary>
    /// The optional <c>msg_ids</c> of a read: absent is null (every unread message); present, 1 to
    /// <see cref="MaxReadIds"/> message ids without spaces, each at most <see cref="OutgoingRequestReader.MaxMsgIdLength"/>
    /// characters; repeats are dropped.
    /// </summary>
    public static (IReadOnlyList<string>? Ids, ApiProblem? Problem) MessageIds(JsonBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var ids = body.Strings("msg_ids");
        if (body.Problem is { } typed)
        {
            return (null, ApiProblem.Invalid(typed.Param, typed.Param == "msg_ids" ? "msg_ids must be a list of message ids (strings), or left out to read every unread message." : typed.Message));
        }

        if (ids is null)
        {
            return (null, null);
        }

        if (ids.Count is 0 or > MaxReadIds)
        {
            return (null, ApiProblem.Invalid("msg_ids", $"msg_ids holds {ids.Count} ids; give 1 to {MaxReadIds}, or leave it out to read every unread message."));
        }

        foreach (var id in ids)
        {
            if (id.Length == 0 || id.Length > OutgoingRequestReader.MaxMsgIdLength || id.Any(char.IsWhiteSpace))
            {
                return (null, ApiProblem.Invalid("msg_ids", $"msg_ids has '{Shorten(id)}', which is not a message id (1 to {OutgoingRequestReader.MaxMsgIdLength} characters, no spaces)."));
            }
        }

        return (ids.Distinct(StringComparer.Ordinal).ToList(), null);
    }

    /// <summary>
    /// The <c>phones</c> of a contact check as digits, distinct, in the order given: 1 to
    /// <see cref="ContactLookup.MaxNumbers"/> numbers (+E.164 or digits); every number that is not one is named in the problem.
    /// </summary>
    public static (IReadOnlyList<string>? Phones, ApiProblem? Problem) Phones(JsonBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var given = body.Strings("phones");
        if (body.Problem is { } typed)
        {
            return (null, ApiProblem.Invalid(typed.Param, typed.Param == "phones" ? "phones must be a list of phone numbers (strings), e.g. [\"+15550001111\"]." : typed.Message));
        }

        if (given is null)
        {
            return (null, ApiProblem.Invalid("phones", "phones is required: a list of 1 to 50 phone numbers."));
        }

        if (given.Count is 0 or > ContactLookup.MaxNumbers)
        {
            return (null, ApiProblem.Invalid("phones", $"phones holds {given.Count} numbers; give 1 to {ContactLookup.MaxNumbers} per call."));
        }

        var digits = new List<string>();
        var wrong = new List<string>();
        foreach (var phone in given)
        {
            if (phone.Contains('@', StringComparison.Ordinal) || phone.Any(char.IsAsciiLetter) || !PhoneNumber.TryNormalize(phone, out var normalized, out _))
            {
                wrong.Add($"'{Shorten(phone)}'");
            }
            else if (!digits.Contains(normalized))
            {
                digits.Add(normalized);
            }
        }

        return wrong.Count > 0
            ? (null, ApiProblem.Invalid("phones", $"phones has {(wrong.Count == 1 ? "a value that is not a phone number" : $"{wrong.Count} values that are not phone numbers")}: {string.Join(", ", wrong.Take(10))}{(wrong.Count > 10 ? ", …" : "")} (use +E.164 or digits, 6 to 15 digits, country code first)."))
            : (digits, null);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
