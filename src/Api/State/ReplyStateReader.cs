using WaEngine.Api.Errors;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.State;

/// <summary>Reads a reply routing state (<c>{handler, ttl_seconds, context?}</c>) and says what is wrong with it.</summary>
public static class ReplyStateReader
{
    /// <summary>
    /// The state for <paramref name="contactJid"/> from the fields of <paramref name="body"/>, or null with the problem
    /// recorded in the body.
    /// </summary>
    public static ReplyState? Read(JsonBody body, string contactJid, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(body);
        var handler = body.String("handler", required: true, maxLength: ReplyState.MaxHandlerLength);
        var ttl = body.Integer("ttl_seconds", (long)ReplyState.MinTtl.TotalSeconds, (long)ReplyState.MaxTtl.TotalSeconds, required: true);
        var context = body.ObjectJson("context", ReplyState.MaxContextBytes);
        if (body.Problem is not null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(handler))
        {
            body.Fail("handler", $"handler must name a handler: 1 to {ReplyState.MaxHandlerLength} characters, not only spaces.");
            return null;
        }

        return new ReplyState(contactJid, handler.Trim(), context, now + TimeSpan.FromSeconds(ttl!.Value));
    }
}
