using System.Text.Json.Serialization;

namespace WaEngine.Sandbox.Media;

/// <summary>
/// What a virtual phone made of a received media message, as its inbox shows it: the blob downloaded from the media
/// host, checked and decrypted, with the plaintext's SHA-256; or why that failed.
/// </summary>
public sealed record PhoneMediaView(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("mimetype")] string? Mimetype,
    [property: JsonPropertyName("file_name")] string? FileName,
    [property: JsonPropertyName("size")] long? Size,
    [property: JsonPropertyName("sha256")] string? Sha256,
    [property: JsonPropertyName("error")] string? Error);
