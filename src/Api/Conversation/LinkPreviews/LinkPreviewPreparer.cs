using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Proto;
using WaEngine.Store;
using WaEngine.Store.Previews;

namespace WaEngine.Api.Conversation.LinkPreviews;

/// <summary>
/// Fetches a queued text's link preview inside the line's send queue (<see cref="IOutgoingPreparer"/>, step
/// <see cref="OutboundPrepareKinds.LinkPreview"/>): the API answers 202 as soon as the text is queued and held; the
/// queue runs this step before the text goes out, and a restart during it runs it again. Records what became of the
/// preview (<see cref="LinkPreviewStore"/>); any failure sends the text plain, with the reason recorded.
/// </summary>
public sealed partial class LinkPreviewPreparer(LinkPreviewBuilder builder, LineDatabases databases, TimeProvider time, ILogger<LinkPreviewPreparer> logger) : IOutgoingPreparer
{
    /// <inheritdoc />
    public async Task<Message> PrepareAsync(LineId lineId, string kind, MessageRecord message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stored = Message.Parser.ParseFrom(message.Content ?? []);
        var text = stored.Conversation;
        if (kind != OutboundPrepareKinds.LinkPreview || string.IsNullOrEmpty(text))
        {
            return stored;
        }

        LinkPreview preview;
        try
        {
            preview = await builder.BuildAsync(text, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            preview = new LinkPreview(stored, LinkPreviewBuilder.FirstUrl(text), null, "the page could not be fetched: " + ex.Message);
        }

        if (!preview.Attached)
        {
            PreviewLeftOut(logger, message.MsgId, preview.Reason!);
        }

        var store = new LinkPreviewStore(await databases.OpenAsync(lineId, cancellationToken).ConfigureAwait(false));
        await store.SaveAsync(new LinkPreviewRecord(message.MsgId, preview.Url, preview.Attached, preview.Title, preview.Reason), time.GetUtcNow(), cancellationToken)
            .ConfigureAwait(false);
        return preview.Content;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MsgId} goes without its link preview: {Reason}")]
    private static partial void PreviewLeftOut(ILogger logger, string msgId, string reason);
}
