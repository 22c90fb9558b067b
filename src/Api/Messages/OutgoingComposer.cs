using System.Globalization;
using WaEngine.Api.Errors;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Storage;

namespace WaEngine.Api.Messages;

/// <summary>
/// Turns a validated send request into the WhatsApp message to queue, checking what only the line's store can tell:
/// the quoted or targeted message exists in that chat (404), edits and deletes touch only our own messages (400
/// <c>not_own_message</c>), an edit is within <see cref="MessageBuilder.EditWindow"/> of the target (409
/// <c>edit_window_closed</c>), nothing targets a deleted message or a reaction, edit or delete (409 / 400).
/// A target is looked for under the chat's other id too (phone number ↔ LID) when the line knows the mapping.
/// </summary>
public static class OutgoingComposer
{
    private static readonly string[] NotTargetable = ["reaction", "edit", "revoke", "protocol"];

    /// <summary>The message to queue, or the problem with the request.</summary>
    /// <param name="request">The validated request.</param>
    /// <param name="messages">The line's messages.</param>
    /// <param name="ownJid">The line's own bare JID (<c>digits@s.whatsapp.net</c>).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public static async Task<(ComposedMessage? Message, ApiProblem? Problem)> ComposeAsync(
        OutgoingRequest request, IMessageStore messages, string ownJid, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(messages);
        if (request.Kind == OutgoingKind.Text)
        {
            return (new ComposedMessage(request.To, MessageBuilder.Text(request.Text!)), null);
        }

        var param = request.TargetParam;
        var target = await FindTargetAsync(messages, request.To, request.TargetMsgId!, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return (null, ApiProblem.NotFound(param, $"There is no message '{request.TargetMsgId}' in the chat with {request.To} on this line."));
        }

        if (Refusal(request, target, param, now) is { } refused)
        {
            return (null, refused);
        }

        var content = request.Kind switch
        {
            OutgoingKind.Reply => MessageBuilder.Reply(request.Text!, target, ownJid),
            OutgoingKind.Reaction => MessageBuilder.Reaction(target, request.Emoji!, now),
            OutgoingKind.Edit => MessageBuilder.Edit(target, request.Text!, now),
            _ => MessageBuilder.Revoke(target),
        };
        return (new ComposedMessage(target.ChatJid, content), null);
    }

    private static ApiProblem? Refusal(OutgoingRequest request, MessageRecord target, string param, DateTimeOffset now)
    {
        var id = request.TargetMsgId;
        if (NotTargetable.Contains(target.Type))
        {
            return ApiProblem.Invalid(param, $"Message '{id}' is a {target.Type}, not a message that can be {Verb(request.Kind)}.");
        }

        if (target.Revoked)
        {
            return new ApiProblem(StatusCodes.Status409Conflict, ErrorCodes.WrongState, $"Message '{id}' was deleted for everyone; it can no longer be {Verb(request.Kind)}.", param);
        }

        if (request.Kind is OutgoingKind.Edit or OutgoingKind.Delete)
        {
            if (!target.FromMe)
            {
                return new ApiProblem(StatusCodes.Status400BadRequest, ErrorCodes.NotOwnMessage,
                    $"Message '{id}' was sent by {target.SenderJid ?? target.ChatJid}, not by this line; only our own messages can be {Verb(request.Kind)}.", param);
            }

            if (target.Status == MessageStatus.Failed)
            {
                return new ApiProblem(StatusCodes.Status409Conflict, ErrorCodes.WrongState, $"Message '{id}' failed to send ({target.Error ?? "no reason"}); there is nothing to {(request.Kind == OutgoingKind.Edit ? "edit" : "delete")}.", param);
            }
        }

        if (request.Kind == OutgoingKind.Edit)
        {
            if (target.Type != "text")
            {
                return ApiProblem.Invalid(param, $"Message '{id}' is a {target.Type} message; only text messages can be edited.");
            }

            var age = now - target.Timestamp;
            if (age > MessageBuilder.EditWindow)
            {
                return new ApiProblem(StatusCodes.Status409Conflict, ErrorCodes.EditWindowClosed, string.Create(CultureInfo.InvariantCulture,
                    $"Message '{id}' was sent {(int)age.TotalMinutes} minutes ago; WhatsApp allows edits only within {(int)MessageBuilder.EditWindow.TotalMinutes} minutes of sending."), param);
            }
        }

        return null;
    }

    private static async Task<MessageRecord?> FindTargetAsync(IMessageStore messages, string chatJid, string msgId, CancellationToken cancellationToken)
    {
        if (await messages.FindInChatAsync(chatJid, msgId, cancellationToken).ConfigureAwait(false) is { } found)
        {
            return found;
        }

        var other = chatJid.EndsWith("@lid", StringComparison.Ordinal)
            ? await messages.FindPnForLidAsync(chatJid, cancellationToken).ConfigureAwait(false)
            : await messages.FindLidForPnAsync(chatJid, cancellationToken).ConfigureAwait(false);
        return other is null ? null : await messages.FindInChatAsync(other, msgId, cancellationToken).ConfigureAwait(false);
    }

    private static string Verb(OutgoingKind kind) => kind switch
    {
        OutgoingKind.Reply => "replied to",
        OutgoingKind.Reaction => "reacted to",
        OutgoingKind.Edit => "edited",
        _ => "deleted",
    };
}
