using WaEngine.Engine.Messaging;

namespace WaEngine.Api.Messages;

/// <summary>A send request after validation of its body: the fields its kind needs, <paramref name="To"/> normalised.</summary>
/// <param name="Kind">What to send.</param>
/// <param name="To">The chat JID (<c>digits@s.whatsapp.net</c> or <c>digits@lid</c>).</param>
/// <param name="Text">The text (send, reply, edit).</param>
/// <param name="Emoji">The reaction; empty removes ours (reaction).</param>
/// <param name="TargetMsgId">The quoted or targeted message (reply, reaction, edit, delete).</param>
/// <param name="State">The recipient's reply routing state to set with the send (<c>state</c> of any send body), or null.</param>
/// <param name="LinkPreview">Send the text's first URL with a preview (<c>link_preview</c> of a text send).</param>
public sealed record OutgoingRequest(OutgoingKind Kind, string To, string? Text = null, string? Emoji = null, string? TargetMsgId = null, ReplyState? State = null, bool LinkPreview = false)
{
    /// <summary>The body field that names the target: <c>quoted_msg_id</c> for replies, else <c>target_msg_id</c>.</summary>
    public string TargetParam => Kind == OutgoingKind.Reply ? "quoted_msg_id" : "target_msg_id";
}
