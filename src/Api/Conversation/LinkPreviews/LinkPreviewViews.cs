using WaEngine.Api.Auth;
using WaEngine.Api.Sessions;
using WaEngine.Store.Previews;

namespace WaEngine.Api.Conversation.LinkPreviews;

/// <summary>Keeps and reads a text's link preview outcome in the line's database (<see cref="LinkPreviewStore"/>).</summary>
public static class LinkPreviewViews
{
    /// <summary>Records what became of the preview of message <paramref name="msgId"/>.</summary>
    public static async Task SaveAsync(HttpContext context, LineHost host, string msgId, LinkPreview preview, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(preview);
        var store = new LinkPreviewStore(await host.DatabaseAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted).ConfigureAwait(false));
        await store.SaveAsync(new LinkPreviewRecord(msgId, preview.Url, preview.Attached, preview.Title, preview.Reason), at, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The preview outcome of message <paramref name="msgId"/>, or null when it was not sent with one.</summary>
    public static async Task<LinkPreviewView?> FindAsync(HttpContext context, LineHost host, string msgId)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(host);
        var store = new LinkPreviewStore(await host.DatabaseAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted).ConfigureAwait(false));
        return await store.FindAsync(msgId, context.RequestAborted).ConfigureAwait(false) is { } found
            ? new LinkPreviewView(found.Url, found.Attached, found.Title, found.Reason)
            : null;
    }
}
