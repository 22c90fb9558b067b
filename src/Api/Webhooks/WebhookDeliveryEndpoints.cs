using WaEngine.Engine.Session;
using System.Globalization;
using WaEngine.Api.Errors;
using WaEngine.Api.Sessions;
using WaEngine.Store.Webhooks;

namespace WaEngine.Api.Webhooks;

/// <summary>
/// The webhook outbox of a line, for the admin (mapped inside the admin-only <c>/api/sessions</c> group):
/// recent deliveries with their status, attempts and last error, one delivery with its body, and a retry by hand.
/// </summary>
public static class WebhookDeliveryEndpoints
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 500;

    /// <summary>Maps <c>/{id}/webhook/deliveries…</c> on the sessions group.</summary>
    public static RouteGroupBuilder MapWebhookDeliveryEndpoints(this RouteGroupBuilder sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        sessions.MapGet("/{id:long}/webhook/deliveries", ListAsync);
        sessions.MapGet("/{id:long}/webhook/deliveries/{deliveryId}", GetAsync);
        sessions.MapPost("/{id:long}/webhook/deliveries/{deliveryId}/retry", RetryAsync);
        return sessions;
    }

    private static async Task<IResult> ListAsync(HttpContext context, LineHost host, long id)
    {
        var query = context.Request.Query;
        var status = query["status"].ToString();
        if (status.Length > 0 && !WebhookDeliveryStatus.IsKnown(status))
        {
            return ApiResults.BadRequest(context, $"status '{status}' is not a delivery status; use pending, delivered or failed.", "status");
        }

        var limit = DefaultLimit;
        var limitText = query["limit"].ToString();
        if (limitText.Length > 0 && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return ApiResults.BadRequest(context, $"limit '{limitText}' must be a whole number from 1 to {MaxLimit}.", "limit");
        }

        if (await OutboxAsync(context, host, id) is not { } outbox)
        {
            return Missing(context, id);
        }

        var deliveries = await outbox.ListAsync(status.Length > 0 ? status : null, limit, null, context.RequestAborted);
        return Results.Ok(deliveries.Select(d => WebhookDeliveryView.Of(d, withBody: false)));
    }

    private static async Task<IResult> GetAsync(HttpContext context, LineHost host, long id, string deliveryId)
    {
        if (await OutboxAsync(context, host, id) is not { } outbox)
        {
            return Missing(context, id);
        }

        return await outbox.FindAsync(deliveryId, context.RequestAborted) is { } delivery
            ? Results.Ok(WebhookDeliveryView.Of(delivery, withBody: true))
            : UnknownDelivery(context, id, deliveryId);
    }

    private static async Task<IResult> RetryAsync(HttpContext context, LineHost host, WebhookDispatcher dispatcher, TimeProvider time, long id, string deliveryId)
    {
        if (await OutboxAsync(context, host, id) is not { } outbox)
        {
            return Missing(context, id);
        }

        if (await outbox.RetryAsync(deliveryId, time.GetUtcNow(), dispatcher.Options.MaxAge, context.RequestAborted) is not { } delivery)
        {
            return UnknownDelivery(context, id, deliveryId);
        }

        dispatcher.Wake(new LineId(id));
        return Results.Json(WebhookDeliveryView.Of(delivery, withBody: false), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<WebhookOutbox?> OutboxAsync(HttpContext context, LineHost host, long id)
    {
        if (await host.Registry.FindAsync(new LineId(id), context.RequestAborted) is null)
        {
            return null;
        }

        var database = await host.DatabaseAsync(new LineId(id), context.RequestAborted);
        return new WebhookOutbox(database, new LineId(id));
    }

    private static IResult Missing(HttpContext context, long id) => ApiResults.NotFound(context, $"There is no session {id}.", "id");

    private static IResult UnknownDelivery(HttpContext context, long id, string deliveryId) =>
        ApiResults.NotFound(context, $"Session {id} has no webhook delivery '{deliveryId}' (delivered and failed ones are kept for the retention period).", "delivery_id");
}
