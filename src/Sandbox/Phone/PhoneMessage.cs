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
    [property: JsonPropertyName("timestamp")] long Timestamp);
