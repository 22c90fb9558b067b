using WaEngine.Api.Errors;
using WaEngine.Api.Validation;
using WaEngine.Engine.Messaging.Kinds;

namespace WaEngine.Api.Conversation;

/// <summary>
/// Checks a location, contact or poll body field by field before anything is queued, and builds its message: the
/// strings named and limited by the body record (<see cref="BodyContract"/>), <c>to</c> a recipient, coordinates in
/// range, a contact as name and phone or as a whole vCard that parses, a poll with 2–12 distinct options. The first
/// problem wins.
/// </summary>
public static class ConversationRequestReader
{
    /// <summary>Longest location name or address (characters).</summary>
    public const int MaxPlaceTextLength = 1000;

    /// <summary>The checked request, or the problem with the body.</summary>
    public static (ConversationRequest? Request, ApiProblem? Problem) Read(JsonBody body, ConversationKind kind, BodyContract contract)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(contract);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var field in contract.Fields)
        {
            values[field.Name] = body.String(field.Name, field.Required, field.MaxLength);
        }

        var latitude = kind == ConversationKind.Location ? body.Number("latitude", -90, 90, required: true) : null;
        var longitude = kind == ConversationKind.Location ? body.Number("longitude", -180, 180, required: true) : null;
        var options = kind == ConversationKind.Poll ? body.Strings("options") : null;
        var multiple = kind == ConversationKind.Poll ? body.Boolean("multiple") : null;
        if (body.Problem is { } typed)
        {
            return (null, ApiProblem.Invalid(typed.Param, typed.Message));
        }

        var (jid, wrongTo) = RecipientJid.Normalize(values["to"]!, "to");
        if (wrongTo is not null)
        {
            return (null, wrongTo);
        }

        return kind switch
        {
            ConversationKind.Location => (new ConversationRequest(jid!, ConversationBuilder.Location(latitude!.Value, longitude!.Value, Trimmed(values["name"]), Trimmed(values["address"]))), null),
            ConversationKind.Contact => Contact(jid!, values["name"], values["phone"], values["vcard"]),
            _ => Poll(jid!, values["question"]!, options, multiple ?? false),
        };
    }

    private static (ConversationRequest?, ApiProblem?) Contact(string to, string? name, string? phone, string? vcard)
    {
        if (vcard is not null)
        {
            if (name is not null || phone is not null)
            {
                return (null, ApiProblem.Invalid(name is not null ? "name" : "phone", "Give either name and phone, or vcard — not both."));
            }

            if (VCard.Problem(vcard) is { } wrong)
            {
                return (null, ApiProblem.Invalid("vcard", wrong));
            }

            return (new ConversationRequest(to, ConversationBuilder.Contact(VCard.DisplayNameOf(vcard)!, vcard)), null);
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return (null, ApiProblem.Invalid("name", name is null ? "name is required (with phone), or give a whole vcard." : "name must not be empty."));
        }

        if (phone is null)
        {
            return (null, ApiProblem.Invalid("phone", "phone is required (with name), or give a whole vcard."));
        }

        var (phoneJid, wrongPhone) = RecipientJid.Normalize(phone, "phone");
        if (wrongPhone is not null)
        {
            return (null, wrongPhone);
        }

        if (!phoneJid!.EndsWith("@s.whatsapp.net", StringComparison.Ordinal))
        {
            return (null, ApiProblem.Invalid("phone", $"phone '{phone}' is not a phone number; give +E.164 or digits."));
        }

        var digits = phoneJid[..phoneJid.IndexOf('@', StringComparison.Ordinal)];
        var trimmed = name.Trim();
        return (new ConversationRequest(to, ConversationBuilder.Contact(trimmed, VCard.Build(trimmed, digits))), null);
    }

    private static (ConversationRequest?, ApiProblem?) Poll(string to, string question, IReadOnlyList<string>? options, bool multiple)
    {
        if (string.IsNullOrWhiteSpace(question))
        {
            return (null, ApiProblem.Invalid("question", "question must not be empty."));
        }

        if (options is null)
        {
            return (null, ApiProblem.Invalid("options", $"options is required: a list of {ConversationBuilder.MinPollOptions} to {ConversationBuilder.MaxPollOptions} strings."));
        }

        if (options.Count is < ConversationBuilder.MinPollOptions or > ConversationBuilder.MaxPollOptions)
        {
            return (null, ApiProblem.Invalid("options", $"options has {options.Count} entries; a poll has {ConversationBuilder.MinPollOptions} to {ConversationBuilder.MaxPollOptions}."));
        }

        var names = new List<string>(options.Count);
        for (var i = 0; i < options.Count; i++)
        {
            var option = options[i].Trim();
            if (option.Length == 0)
            {
                return (null, ApiProblem.Invalid("options", $"options[{i}] is empty; every option needs text."));
            }

            if (option.Length > ConversationBuilder.MaxPollOptionLength)
            {
                return (null, ApiProblem.Invalid("options", $"options[{i}] is {option.Length} characters long; the limit is {ConversationBuilder.MaxPollOptionLength}."));
            }

            if (names.Contains(option, StringComparer.Ordinal))
            {
                return (null, ApiProblem.Invalid("options", $"options[{i}] '{option}' appears twice; every option must be different (votes name options by their text)."));
            }

            names.Add(option);
        }

        return (new ConversationRequest(to, ConversationBuilder.Poll(question.Trim(), names, multiple)), null);
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
