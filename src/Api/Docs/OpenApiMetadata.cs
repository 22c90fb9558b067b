using WaEngine.Api.Errors;

namespace WaEngine.Api.Docs;

/// <summary>Declares, for the OpenAPI document, the error answers an endpoint or a group of endpoints can give.</summary>
public static class OpenApiMetadata
{
    /// <summary>Each of <paramref name="statuses"/> answers with an <see cref="ApiError"/>.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ApiError), ["application/json"]));
        }

        return builder;
    }
}
