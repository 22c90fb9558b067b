using System.ComponentModel;
using System.Text.Json.Serialization;
using WaEngine.Api.Auth;
using WaEngine.Api.Docs;
using WaEngine.Api.Errors;
using WaEngine.Api.Idempotency;
using WaEngine.Api.Sessions;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;

namespace WaEngine.Api.Endpoints;

/// <summary>
/// Send pacing per line (admin): <c>GET</c> and <c>PUT /api/sessions/{id}/pacing</c>. Stored in the line's database and
/// read by its send queue before every pass, so a change applies to what is still queued.
/// </summary>
public static class PacingEndpoints
{
    /// <summary>Maps the pacing routes under <c>/api/sessions</c>.</summary>
    public static IEndpointRouteBuilder MapPacingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sessions")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<IdempotencyFilter>()
            .WithTags("Sessions (admin)")
            .WithMetadata(ApiAuth.Admin)
            .ProducesErrors(StatusCodes.Status401Unauthorized);
        group.MapGet("/{id:long}/pacing", GetAsync)
            .WithName("getPacing").WithSummary("The line's send pacing")
            .Produces<PacingAnswer>().ProducesErrors(StatusCodes.Status404NotFound);
        group.MapPut("/{id:long}/pacing", SetAsync)
            .WithName("setPacing").WithSummary("Set the line's send pacing")
            .WithDescription("Between two sends to different chats the line's queue waits at least `min_gap_ms` plus a random share of `jitter_ms` "
                + "(both 0 to 3,600,000; both 0 turn pacing off). Queued messages show when they are due as `scheduled_at` in GET /api/messages/{msg_id}. "
                + "Other lines are never slowed.")
            .Accepts<PacingBody>("application/json")
            .Produces<PacingAnswer>().ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> GetAsync(HttpContext context, LineHost host, long id)
    {
        if (await host.Registry.FindAsync(new LineId(id), context.RequestAborted) is null)
        {
            return ApiResults.NotFound(context, $"There is no session {id}.", "id");
        }

        var actor = await host.ActorAsync(new LineId(id), context.RequestAborted);
        return Results.Ok(PacingAnswer.Of(await actor.Messages.GetSendPacingAsync(context.RequestAborted)));
    }

    private static async Task<IResult> SetAsync(HttpContext context, LineHost host, long id)
    {
        var (body, error) = await JsonBody.ReadAsync(context);
        if (body is null)
        {
            return error!;
        }

        var longest = (long)SendPacing.Longest.TotalMilliseconds;
        var gap = body.Integer("min_gap_ms", 0, longest, required: true);
        var jitter = body.Integer("jitter_ms", 0, longest) ?? 0;
        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        if (await host.Registry.FindAsync(new LineId(id), context.RequestAborted) is null)
        {
            return ApiResults.NotFound(context, $"There is no session {id}.", "id");
        }

        var pacing = new SendPacing { MinGap = TimeSpan.FromMilliseconds(gap!.Value), Jitter = TimeSpan.FromMilliseconds(jitter) };
        var actor = await host.ActorAsync(new LineId(id), context.RequestAborted);
        await actor.Messages.SetSendPacingAsync(pacing, context.RequestAborted);
        return Results.Ok(PacingAnswer.Of(pacing));
    }
}

/// <summary>Body of PUT /api/sessions/{id}/pacing.</summary>
public sealed record PacingBody
{
    /// <summary>The least gap between sends to different chats, in milliseconds.</summary>
    [JsonPropertyName("min_gap_ms")]
    [Description("The least time between two sends to different chats, in milliseconds (0 to 3,600,000).")]
    public required long MinGapMs { get; init; }

    /// <summary>The random extra per gap, in milliseconds.</summary>
    [JsonPropertyName("jitter_ms")]
    [Description("Up to this many milliseconds more per gap, drawn at random (0 to 3,600,000; default 0).")]
    public long? JitterMs { get; init; }
}

/// <summary>A line's send pacing as the API shows it.</summary>
/// <param name="Enabled">True when sends are spaced.</param>
/// <param name="MinGapMs">The least gap between sends to different chats.</param>
/// <param name="JitterMs">The random extra per gap, at most.</param>
public sealed record PacingAnswer(
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("min_gap_ms")] long MinGapMs,
    [property: JsonPropertyName("jitter_ms")] long JitterMs)
{
    /// <summary>The answer for <paramref name="pacing"/>.</summary>
    public static PacingAnswer Of(SendPacing pacing) =>
        new(pacing.IsOn, (long)pacing.MinGap.TotalMilliseconds, (long)pacing.Jitter.TotalMilliseconds);
}
