using System.Text.Json.Serialization;

namespace WaEngine.Api.Conversations.Views;

/// <summary>The answer to POST /api/messages/read.</summary>
/// <param name="Read">How many messages the read receipts covered.</param>
public sealed record ReadAnswer([property: JsonPropertyName("read")] int Read);
