using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace WaEngine.Api.Groups.Bodies;

/// <summary>Body of POST /api/groups/{jid}/participants.</summary>
public sealed record ParticipantsBody
{
    /// <summary><c>add</c>, <c>remove</c>, <c>promote</c> or <c>demote</c>.</summary>
    [JsonPropertyName("action")]
    [MaxLength(16)]
    [Description("add, remove, promote or demote.")]
    public required string Action { get; init; }

    /// <summary>Phone numbers or JIDs, 1 to 256.</summary>
    [JsonPropertyName("participants")]
    [Description("Phone numbers (+E.164 or digits) or JIDs (digits@s.whatsapp.net, id@lid), 1 to 256. Each one's outcome is in the answer.")]
    public required IReadOnlyList<string> Participants { get; init; }
}
