namespace WaEngine.Store.Previews;

/// <summary>What became of a text's link preview.</summary>
/// <param name="MsgId">The text message.</param>
/// <param name="Url">The URL looked at, or null when the text had none.</param>
/// <param name="Attached">True when the preview went with the text.</param>
/// <param name="Title">The preview's title, when attached.</param>
/// <param name="Reason">Why no preview went with the text, when not attached.</param>
public sealed record LinkPreviewRecord(string MsgId, string? Url, bool Attached, string? Title, string? Reason)
{
    /// <summary>True while the send queue has not fetched the page yet (not attached, and no reason).</summary>
    public bool Pending => !Attached && Reason is null;
}
