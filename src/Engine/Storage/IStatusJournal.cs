using WaEngine.Engine.Session;

namespace WaEngine.Engine.Storage;

/// <summary>
/// The line's own record of its status changes, in the line's store: the actor appends every change on its loop, after
/// the state machine moved and before the change is published, so a status change that anyone heard of is durable
/// (the webhook outbox turns it into a <c>session.status</c> delivery).
/// </summary>
public interface IStatusJournal
{
    /// <summary>Appends <paramref name="change"/> to the line's event journal and commits it.</summary>
    Task AppendAsync(LineStatusChange change, CancellationToken cancellationToken);
}
