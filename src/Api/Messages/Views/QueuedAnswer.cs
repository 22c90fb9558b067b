using System.Text.Json.Serialization;

namespace WaEngine.Api.Messages.Views;

/// <summary>The 202 answer to a send: the message is stored durably as <c>queued</c>; follow it with GET /api/messages/{msg_id}.</summary>
/// <param name="Queued">Always true.</param>
/// <param name="MsgId">The new message's WhatsApp id.</param>
public sealed record QueuedAnswer(
    [property: JsonPropertyName("queued")] bool Queued,
    [property: JsonPropertyName("msg_id")] string MsgId);
