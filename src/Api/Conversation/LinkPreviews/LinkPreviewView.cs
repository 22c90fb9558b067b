using System.Text.Json.Serialization;

namespace WaEngine.Api.Conversation.LinkPreviews;

/// <summary>
/// The <c>link_preview</c> of GET /api/messages/{id}: the URL looked at, whether a preview went with the text, its
/// title, or why not; <c>pending</c> while the send queue has not fetched the page yet.
/// </summary>
public sealed record LinkPreviewView(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("attached")] bool Attached,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("pending")] bool Pending = false);
