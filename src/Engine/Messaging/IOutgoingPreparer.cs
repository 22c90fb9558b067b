using WaEngine.Engine.Session;

namespace WaEngine.Engine.Messaging;

/// <summary>
/// Runs the preparation step of a held outbound message inside the send queue (<see cref="OutboundDraft.Prepare"/>),
/// off the line's loop. Set on <see cref="LineOptions.OutgoingPreparer"/>; without one, held messages go out as stored.
/// </summary>
public interface IOutgoingPreparer
{
    /// <summary>
    /// The content <paramref name="message"/> goes out with after step <paramref name="kind"/>. It must not throw for a
    /// failed step (a message goes out as stored rather than fail for its preparation); cancellation means the line
    /// stopped, and the step runs again after its next login.
    /// </summary>
    Task<Proto.Message> PrepareAsync(LineId lineId, string kind, MessageRecord message, CancellationToken cancellationToken);
}
