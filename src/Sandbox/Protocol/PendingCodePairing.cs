using WaEngine.Engine.Binary;

namespace WaEngine.Sandbox.Protocol;

/// <summary>A companion that asked to pair by phone code (<c>companion_hello</c>) and waits for the user to type it.</summary>
/// <param name="Pending">The registration connection and its keys.</param>
/// <param name="Phone">The phone number the companion wants to link to (digits).</param>
/// <param name="WrappedCompanionEphemeral">The companion's ephemeral key wrapped under the code (80 bytes).</param>
/// <param name="Ref">The link-code ref the server answered with.</param>
internal sealed record PendingCodePairing(PendingPairing Pending, string Phone, byte[] WrappedCompanionEphemeral, byte[] Ref)
{
    /// <summary>Completed by the connection's reader with the companion's <c>companion_finish</c> iq.</summary>
    public TaskCompletionSource<Node> Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
