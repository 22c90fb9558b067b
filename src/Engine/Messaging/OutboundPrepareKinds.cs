namespace WaEngine.Engine.Messaging;

/// <summary>The preparation steps a queued message can wait for (<see cref="OutboundDraft.Prepare"/>).</summary>
public static class OutboundPrepareKinds
{
    /// <summary>Fetch the text's first URL and attach its preview (<c>link_preview: true</c>).</summary>
    public const string LinkPreview = "link_preview";
}
