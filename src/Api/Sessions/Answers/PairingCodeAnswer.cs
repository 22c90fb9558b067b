using System.Text.Json.Serialization;

namespace WaEngine.Api.Sessions.Answers;

/// <summary>The code the user types on the phone (Linked devices → Link with phone number).</summary>
/// <param name="Code">The 8-character code.</param>
public sealed record PairingCodeAnswer([property: JsonPropertyName("code")] string Code);
