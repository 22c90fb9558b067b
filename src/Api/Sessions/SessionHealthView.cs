using System.Text.Json.Serialization;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Sessions;

/// <summary>A line's health as the session view shows it (CONTRACT.md §2).</summary>
/// <param name="ConnectedSince">When the line became connected, while it is connected; else null.</param>
/// <param name="LastFrameAt">When the line last received a frame from the server (any frame, keepalive answers included), or null if never.</param>
/// <param name="Reconnects24h">How often the line reconnected in the last 24 hours (since the service started, at most).</param>
/// <param name="SendQueue">Outbound messages not yet acknowledged by the server: queued, being sent, or sent and waiting for the server's ack.</param>
/// <param name="WebhookBacklog">Events the line's webhook has not received yet: pending deliveries plus events not yet turned into deliveries.</param>
public sealed record SessionHealthView(
    [property: JsonPropertyName("connected_since")] DateTimeOffset? ConnectedSince,
    [property: JsonPropertyName("last_frame_at")] DateTimeOffset? LastFrameAt,
    [property: JsonPropertyName("reconnects_24h")] int Reconnects24h,
    [property: JsonPropertyName("send_queue")] int SendQueue,
    [property: JsonPropertyName("webhook_backlog")] int WebhookBacklog)
{
    /// <summary>The view of <paramref name="health"/> with the line's queue and backlog counts.</summary>
    public static SessionHealthView Of(LineHealth health, int sendQueue, int webhookBacklog)
    {
        ArgumentNullException.ThrowIfNull(health);
        return new SessionHealthView(
            health.Status == LineStatus.Connected ? health.StatusSince : null,
            health.LastFrameReceived,
            health.Reconnects24h,
            sendQueue,
            webhookBacklog);
    }
}
