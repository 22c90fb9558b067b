using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using WaEngine.Api.Validation;

namespace WaEngine.Api.Conversations.Bodies;

/// <summary>Body of POST /api/chats/typing.</summary>
public sealed record TypingBody
{
    /// <summary>The chat to show typing in.</summary>
    [JsonPropertyName("to")]
    [MaxLength(RecipientJid.MaxInputLength)]
    [Description("The chat: digits@s.whatsapp.net, id@lid, +E.164 or bare digits. Groups are not supported yet.")]
    public required string To { get; init; }

    /// <summary>composing, recording or paused.</summary>
    [JsonPropertyName("state")]
    [MaxLength(16)]
    [Description("composing (typing), recording (recording a voice note) or paused (stopped typing).")]
    public required string State { get; init; }
}
