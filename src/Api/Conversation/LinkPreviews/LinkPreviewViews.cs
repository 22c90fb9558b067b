using WaEngine.Api.Auth;
using WaEngine.Api.Sessions;
using WaEngine.Store.Previews;

namespace WaEngine.Api.Conversation.LinkPreviews;

/// <summary>Keeps and reads a text's link preview outcome in the line's database (<see cref="LinkPreviewStore"/>).</summary>
public static class LinkPreviewViews
{
    /// <summary>
    /// Records a text just queued with <c>link_preview</c>: pending while the send queue fetches <paramref name="url"/>,
    /// or sent plain at once when the text has no URL.
    /// </summary>
    public static async Task SaveQueuedAsync(HttpContext context, LineHost host, string msgId, string? url, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(host);
        var store = new LinkPreviewStore(await host.DatabaseAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted).ConfigureAwait(false));
        if (url is null)
        {
            await store.SaveAsync(new LinkPreviewRecord(msgId, null, false, null, LinkPreviewBuilder.NoUrl), at, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await store.SavePendingAsync(msgId, url, at, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The preview outcome of message <paramref name="msgId"/>, or null when it was not sent with one.</summary>
    public static async Task<LinkPreviewView?> FindAsync(HttpContext context, LineHost host, string msgId)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(host);
        var store = new LinkPreviewStore(await host.DatabaseAsync(LineTokenFilter.LineOf(context).Id, context.RequestAborted).ConfigureAwait(false));
        return await store.FindAsync(msgId, context.RequestAborted).ConfigureAwait(false) is { } found
            ? new LinkPreviewView(found.Url, found.Attached, found.Title, found.Reason, found.Pending)
            : null;
    }
}
