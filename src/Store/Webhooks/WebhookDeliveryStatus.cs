namespace WaEngine.Store.Webhooks;

/// <summary>The states of a webhook delivery, as stored and shown by the API.</summary>
public static class WebhookDeliveryStatus
{
    /// <summary>Waiting for its first or next attempt.</summary>
    public const string Pending = "pending";

    /// <summary>The receiver answered 2xx.</summary>
    public const string Delivered = "delivered";

    /// <summary>Given up: attempts kept failing until the delivery expired. A retry by hand makes it pending again.</summary>
    public const string Failed = "failed";

    /// <summary>Whether <paramref name="status"/> is one of the three.</summary>
    public static bool IsKnown(string? status) => status is Pending or Delivered or Failed;
}
