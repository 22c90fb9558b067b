using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using WaEngine.Store.Webhooks;

namespace WaEngine.Api.Webhooks;

/// <summary>A delivery as the admin API shows it.</summary>
public sealed record WebhookDeliveryView(
    [property: JsonPropertyName("delivery_id")] string DeliveryId,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("chat_jid")] string? ChatJid,
    [property: JsonPropertyName("msg_id")] string? MsgId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("last_attempt_at")] DateTimeOffset? LastAttemptAt,
    [property: JsonPropertyName("next_attempt_at")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("delivered_at")] DateTimeOffset? DeliveredAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("last_status_code")] int? LastStatusCode,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("body"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonNode? Body)
{
    /// <summary>The view of <paramref name="delivery"/>, with its JSON body when <paramref name="withBody"/>.</summary>
    public static WebhookDeliveryView Of(WebhookDelivery delivery, bool withBody)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return new WebhookDeliveryView(
            delivery.DeliveryId,
            delivery.Event,
            delivery.ChatKey.Length == 0 ? null : delivery.ChatKey,
            delivery.MsgId,
            delivery.Status,
            delivery.Attempts,
            delivery.CreatedAt,
            delivery.LastAttemptAt,
            delivery.Status == WebhookDeliveryStatus.Pending ? delivery.NextAttemptAt : null,
            delivery.DeliveredAt,
            delivery.ExpiresAt,
            delivery.LastStatusCode,
            delivery.LastError,
            withBody ? JsonNode.Parse(delivery.Body) : null);
    }
}
