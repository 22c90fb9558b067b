using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using WaEngine.Engine.Messaging;

namespace WaEngine.Api.State;

/// <summary>Body of PUT /api/state/{jid}, and of <c>state</c> on a send.</summary>
public sealed record ReplyStateBody
{
    /// <summary>Which handler takes the contact's replies.</summary>
    [JsonPropertyName("handler")]
    [MaxLength(ReplyState.MaxHandlerLength)]
    [Description("Which handler of your automation takes the contact's replies: 1 to 100 characters, not only spaces.")]
    public required string Handler { get; init; }

    /// <summary>How long the state lasts.</summary>
    [JsonPropertyName("ttl_seconds")]
    [Range(60, 86_400)]
    [Description("How long the state lasts, in seconds: 60 to 86400.")]
    public required int TtlSeconds { get; init; }

    /// <summary>Anything the handler needs, as a JSON object.</summary>
    [JsonPropertyName("context")]
    [Description("Anything the handler needs (a JSON object of at most 16 KiB), returned as it was given.")]
    public JsonObject? Context { get; init; }
}
