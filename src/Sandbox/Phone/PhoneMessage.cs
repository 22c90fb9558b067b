using System.Text.Json.Serialization;

namespace WaEngine.Sandbox.Phone;

/// <summary>A message a virtual phone received, as <c>GET /sandbox/accounts/{phone}/messages</c> lists it.</summary>
public sealed record PhoneMessage(
    [property: JsonPropertyName("msg_id")] string MsgId,
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("chat")] string Chat,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("body")] string? Body,
    [property: JsonPropertyName("message")] System.Text.Json.Nodes.JsonNode? Message,
    [property: JsonPropertyName("timestamp")] long Timestamp)
{
    /// <summary>For a group message (<c>from</c> = the group): the device that sent it; null otherwise.</summary>
    [JsonPropertyName("participant")]
    public string? Participant { get; init; }

    /// <summary>For media messages: the file as the phone downloaded, checked and decrypted it (with its SHA-256), or why it could not.</summary>
    [JsonPropertyName("media")]
    public Media.PhoneMediaView? Media { get; init; }
}
