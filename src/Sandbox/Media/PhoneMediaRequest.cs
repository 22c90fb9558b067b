using System.Text.Json.Serialization;

namespace WaEngine.Sandbox.Media;

/// <summary>
/// The <c>media</c> of <c>POST /sandbox/accounts/{phone}/messages</c>: a file the virtual phone encrypts, uploads to the
/// sandbox's media host and sends as the message of its kind.
/// </summary>
public sealed record PhoneMediaRequest(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("data")] string? Data,
    [property: JsonPropertyName("mimetype")] string? Mimetype,
    [property: JsonPropertyName("caption")] string? Caption,
    [property: JsonPropertyName("filename")] string? FileName,
    [property: JsonPropertyName("ptt")] bool? Ptt);
