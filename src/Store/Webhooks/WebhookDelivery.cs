namespace WaEngine.Store.Webhooks;

/// <summary>One delivery in a line's webhook outbox.</summary>
/// <param name="JournalSeq">The journal row it was made from; the order of deliveries.</param>
/// <param name="DeliveryId">Its id (<c>wd_&lt;line&gt;_&lt;seq&gt;</c>), sent as <c>X-WaEngine-Delivery</c> on every attempt.</param>
/// <param name="Event">The event name.</param>
/// <param name="ChatKey">The ordering key (chat JID, or <c>""</c> for line-wide events).</param>
/// <param name="MsgId">The message it is about, or null.</param>
/// <param name="Body">The JSON body, byte for byte as every attempt sends it.</param>
/// <param name="Status">See <see cref="WebhookDeliveryStatus"/>.</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="CreatedAt">When it entered the outbox.</param>
/// <param name="ExpiresAt">A failed attempt after this gives up.</param>
/// <param name="NextAttemptAt">When it may be attempted next (while pending).</param>
/// <param name="LastAttemptAt">When it was last attempted, or null.</param>
/// <param name="DeliveredAt">When a receiver answered 2xx, or null.</param>
/// <param name="LastStatusCode">The HTTP status of the last attempt, or null (none yet, or no answer).</param>
/// <param name="LastError">Why the last attempt failed, or null.</param>
public sealed record WebhookDelivery(
    long JournalSeq,
    string DeliveryId,
    string Event,
    string ChatKey,
    string? MsgId,
    byte[] Body,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? DeliveredAt,
    int? LastStatusCode,
    string? LastError);
