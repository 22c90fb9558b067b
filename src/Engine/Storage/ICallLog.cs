using WaEngine.Engine.Stanzas.Calls;

namespace WaEngine.Engine.Storage;

/// <summary>
/// The line's record of the calls placed to it, in the line's store (the webhook outbox turns each into a
/// <c>call.received</c> delivery). The line appends on its loop before it acks the offer.
/// </summary>
public interface ICallLog
{
    /// <summary>Records <paramref name="call"/> and commits; false when a call with that id was recorded before (a replayed offer).</summary>
    Task<bool> RecordAsync(IncomingCall call, CancellationToken cancellationToken);
}
