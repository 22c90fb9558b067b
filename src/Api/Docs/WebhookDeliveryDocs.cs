using WaEngine.Api.Errors;
using WaEngine.Api.Webhooks;

namespace WaEngine.Api.Docs;

/// <summary>
/// The OpenAPI description of the webhook delivery endpoints (<see cref="WebhookDeliveryEndpoints"/>), added at the
/// place they are mapped inside the sessions group: operation id, summary, answers and errors per route.
/// </summary>
public static class WebhookDeliveryDocs
{
    /// <summary>Maps the delivery endpoints on <paramref name="sessions"/> in a sub-group that describes each of them.</summary>
    public static RouteGroupBuilder MapDescribedWebhookDeliveryEndpoints(this RouteGroupBuilder sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var deliveries = sessions.MapGroup("").WithTags("Webhooks (admin)");
        deliveries.MapWebhookDeliveryEndpoints();
        ((IEndpointConventionBuilder)deliveries).Add(endpoint =>
        {
            var pattern = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText ?? "";
            var (name, summary, description, answer, status) = pattern.EndsWith("/retry", StringComparison.Ordinal)
                ? ("retryWebhookDelivery", "Retry a webhook delivery now", "Puts a pending or failed delivery back at the head of its chat's queue and wakes the dispatcher; answers the delivery (without body).", typeof(WebhookDeliveryView), StatusCodes.Status202Accepted)
                : pattern.EndsWith("{deliveryId}", StringComparison.Ordinal)
                    ? ("getWebhookDelivery", "One webhook delivery, with its body", "The delivery's status, attempts, last answer and the JSON body that is posted.", typeof(WebhookDeliveryView), StatusCodes.Status200OK)
                    : ("listWebhookDeliveries", "The line's recent webhook deliveries", "Newest first. Query: `status` (pending, delivered or failed) and `limit` (1 to 500, default 50).", typeof(WebhookDeliveryView[]), StatusCodes.Status200OK);
            endpoint.Metadata.Add(new EndpointNameMetadata(name));
            endpoint.Metadata.Add(new RouteNameMetadata(name));
            endpoint.Metadata.Add(new EndpointSummaryAttribute(summary));
            endpoint.Metadata.Add(new EndpointDescriptionAttribute(description));
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, answer, ["application/json"]));
            foreach (var error in new[] { StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound })
            {
                endpoint.Metadata.Add(new ProducesResponseTypeMetadata(error, typeof(ApiError), ["application/json"]));
            }
        });
        return sessions;
    }
}
