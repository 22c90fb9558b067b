using WaEngine.Proto;

namespace WaEngine.Api.Conversation.LinkPreviews;

/// <summary>A text to send, with its preview or without one (and why).</summary>
/// <param name="Content">The message: an <c>extendedTextMessage</c> with the preview, or the plain text.</param>
/// <param name="Url">The first URL of the text, or null when it has none.</param>
/// <param name="Title">The preview's title, when one is attached.</param>
/// <param name="Reason">Why no preview is attached, or null when one is.</param>
public sealed record LinkPreview(Message Content, string? Url, string? Title, string? Reason)
{
    /// <summary>True when the preview goes with the text.</summary>
    public bool Attached => Reason is null;
}
