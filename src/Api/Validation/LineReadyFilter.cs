using WaEngine.Engine.Session;
using WaEngine.Api.Auth;
using WaEngine.Api.Errors;
using WaEngine.Api.Sessions;

namespace WaEngine.Api.Validation;

/// <summary>Lets a send through only when its line takes sends (<see cref="SendReadiness"/>); 403 <c>not_connected</c> otherwise.</summary>
public sealed class LineReadyFilter(LineHost host) : IEndpointFilter
{
    private const string OwnJidKey = "waengine.own-jid";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var line = LineTokenFilter.LineOf(http);
        var actor = await host.ActorForSendAsync(line.Id, http.RequestAborted).ConfigureAwait(false);
        var own = await host.OwnJidAsync(line.Id, http.RequestAborted).ConfigureAwait(false);
        if (SendReadiness.Refusal(line.Id, actor.Status, own is not null, actor.StartExpected) is { } refusal)
        {
            return ApiResults.Error(http, StatusCodes.Status403Forbidden, ErrorCodes.NotConnected, refusal);
        }

        http.Items[OwnJidKey] = own;
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The line's own bare JID, for a call this filter let through.</summary>
    public static string OwnJidOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (string)context.Items[OwnJidKey]!;
    }
}
