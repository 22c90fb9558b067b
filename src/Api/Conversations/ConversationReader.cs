using WaEngine.Api.Errors;
using WaEngine.Api.Validation;

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

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
