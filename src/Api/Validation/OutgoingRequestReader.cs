using WaEngine.Api.Errors;
using WaEngine.Api.Messages;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Validation;

/// <summary>
/// Checks a send body field by field before anything is queued: required fields present and strings, <c>to</c> a
/// recipient (<see cref="RecipientJid"/>), text non-empty and at most <see cref="MessageBuilder.MaxTextLength"/>
/// characters, emoji one emoji or empty, message ids plausible. The first problem wins.
/// </summary>
public static class OutgoingRequestReader
{
    /// <summary>Longest message id accepted.</summary>
    public const int MaxMsgIdLength = 128;

    /// <summary>
    /// The validated request, or the problem with the body. Which fields there are, which are required and how long each
    /// may be come from the body record of the endpoint (<paramref name="contract"/>); what each one means is checked here.
    /// </summary>
    public static (OutgoingRequest? Request, ApiProblem? Problem) Read(JsonBody body, OutgoingKind kind, BodyContract contract)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(contract);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var field in contract.Fields)
        {
            values[field.Name] = body.String(field.Name, field.Required, field.MaxLength);
        }

        var to = values.GetValueOrDefault("to");
        var text = values.GetValueOrDefault("text");
        var emoji = values.GetValueOrDefault("emoji");
        var targetParam = kind == OutgoingKind.Reply ? "quoted_msg_id" : "target_msg_id";
        var target = values.GetValueOrDefault(targetParam);
        var linkPreview = kind == OutgoingKind.Text && body.Boolean("link_preview") == true;
        if (body.Problem is { } typed)
        {
            return (null, ApiProblem.Invalid(typed.Param, typed.Message));
        }

        if (to is null)
        {
            return (null, ApiProblem.Invalid("to", "to is required."));
        }

        var (jid, wrongTo) = RecipientJid.Normalize(to, "to");
        if (wrongTo is not null)
        {
            return (null, wrongTo);
        }

        if (text is not null && string.IsNullOrWhiteSpace(text))
        {
            return (null, ApiProblem.Invalid("text", "text must not be empty."));
        }

        if (emoji is { Length: > 0 } && !EmojiText.IsSingleEmoji(emoji))
        {
            return (null, ApiProblem.Invalid("emoji", $"emoji '{emoji}' is not one emoji; send a single emoji, or \"\" to remove the reaction."));
        }

        if (target is not null && (target.Length == 0 || target.Any(char.IsWhiteSpace)))
        {
            return (null, ApiProblem.Invalid(targetParam, $"{targetParam} must be a message id (no spaces), as returned in msg_id."));
        }

        return (new OutgoingRequest(kind, jid!, text, emoji, target, LinkPreview: linkPreview), null);
    }
}
