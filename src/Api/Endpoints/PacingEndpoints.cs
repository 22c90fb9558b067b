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
                + "(both 0 to 3,600,000). With `typing_ms_per_char` a text is preceded by typing (composing) for that long per character, "
                + "at most `typing_max_ms`; with `new_contacts_per_hour` first messages to new contacts beyond the cap wait for room in the rolling hour. "
                + "All 0 turn pacing off. Queued messages show when they are due as `scheduled_at` in GET /api/messages/{msg_id}. "
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
        var typing = body.Integer("typing_ms_per_char", 0, (long)SendPacing.LongestTypingPerChar.TotalMilliseconds) ?? 0;
        var typingMax = body.Integer("typing_max_ms", 1, (long)SendPacing.LongestTyping.TotalMilliseconds) ?? (long)SendPacing.DefaultTypingCap.TotalMilliseconds;
        var newContacts = body.Integer("new_contacts_per_hour", 0, SendPacing.MostNewContactsPerHour) ?? 0;
        if (body.ErrorResult(context) is { } invalid)
        {
            return invalid;
        }

        if (await host.Registry.FindAsync(new LineId(id), context.RequestAborted) is null)
        {
            return ApiResults.NotFound(context, $"There is no session {id}.", "id");
        }

        var pacing = new SendPacing
        {
            MinGap = TimeSpan.FromMilliseconds(gap!.Value),
            Jitter = TimeSpan.FromMilliseconds(jitter),
            TypingPerChar = TimeSpan.FromMilliseconds(typing),
            TypingCap = TimeSpan.FromMilliseconds(typingMax),
            NewContactsPerHour = (int)newContacts,
        };
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

    /// <summary>Typing before a text, per character, in milliseconds.</summary>
    [JsonPropertyName("typing_ms_per_char")]
    [Description("Typing (composing) before every text, in milliseconds per character of the text (0 to 1,000; default 0: no typing). The chat sees composing, then paused as the text arrives.")]
    public long? TypingMsPerChar { get; init; }

    /// <summary>The longest typing before one text, in milliseconds.</summary>
    [JsonPropertyName("typing_max_ms")]
    [Description("The longest typing before one text, in milliseconds (1 to 60,000; default 10,000).")]
    public long? TypingMaxMs { get; init; }

    /// <summary>The cap on first messages to new contacts per hour.</summary>
    [JsonPropertyName("new_contacts_per_hour")]
    [Description("At most this many first messages to new contacts (chats with no earlier message) per rolling hour (0 to 10,000; default 0: no cap). One over the cap waits for room, its scheduled_at says when; it never fails for it.")]
    public long? NewContactsPerHour { get; init; }
}

/// <summary>A line's send pacing as the API shows it.</summary>
/// <param name="Enabled">True when sends are spaced.</param>
/// <param name="MinGapMs">The least gap between sends to different chats.</param>
/// <param name="JitterMs">The random extra per gap, at most.</param>
/// <param name="TypingMsPerChar">Typing before a text per character (0: none).</param>
/// <param name="TypingMaxMs">The longest typing before one text.</param>
/// <param name="NewContactsPerHour">The cap on first messages to new contacts per hour (0: none).</param>
public sealed record PacingAnswer(
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("min_gap_ms")] long MinGapMs,
    [property: JsonPropertyName("jitter_ms")] long JitterMs,
    [property: JsonPropertyName("typing_ms_per_char")] long TypingMsPerChar,
    [property: JsonPropertyName("typing_max_ms")] long TypingMaxMs,
    [property: JsonPropertyName("new_contacts_per_hour")] int NewContactsPerHour)
{
    /// <summary>The answer for <paramref name="pacing"/>.</summary>
    public static PacingAnswer Of(SendPacing pacing) =>
        new(pacing.IsOn, (long)pacing.MinGap.TotalMilliseconds, (long)pacing.Jitter.TotalMilliseconds,
            (long)pacing.TypingPerChar.TotalMilliseconds, (long)pacing.TypingCap.TotalMilliseconds, pacing.NewContactsPerHour);
}
