using System.Text.Json.Serialization;

namespace WaEngine.Sandbox.Control;

/// <summary><c>GET/PUT client-version</c>: the minimum WhatsApp Web version logins need and the one <c>sw.js</c> publishes (R8).</summary>
public sealed record ClientVersionView(
    [property: JsonPropertyName("minimum")] string Minimum,
    [property: JsonPropertyName("published")] string Published);

/// <summary><c>PUT client-version</c> body: either or both versions (e.g. <c>2.3000.1045649367</c>).</summary>
public sealed record ClientVersionRequest(
    [property: JsonPropertyName("minimum")] string? Minimum,
    [property: JsonPropertyName("published")] string? Published);

/// <summary><c>POST accounts/{phone}/login-refusal</c> body (R9): the failure reason, a ban's code, and for 402 its length in seconds.</summary>
public sealed record LoginRefusalRequest(
    [property: JsonPropertyName("reason")] int? Reason,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("expire")] long? Expire);

/// <summary>An account's login refusal: <c>until</c> (ISO-8601 UTC) for a temporary ban, else null.</summary>
public sealed record LoginRefusalView(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("reason")] int Reason,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("until")] DateTimeOffset? Until);

/// <summary><c>PUT accounts/{phone}/passkey</c> body and answer (R12): whether linking a companion needs the user's passkey.</summary>
public sealed record PasskeyRequest(
    [property: JsonPropertyName("required")] bool? Required);

/// <summary><c>PUT accounts/{phone}/passkey</c> answer.</summary>
public sealed record PasskeyView(
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("required")] bool Required);
