using WaEngine.Engine.Binary;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Protocol;

/// <summary>The virtual phones' primary devices (device 0), which live inside the sandbox instead of behind a socket.</summary>
public interface IPrimaryDevice
{
    /// <summary>Takes a stanza routed to <paramref name="account"/>'s primary device.</summary>
    Task ReceiveAsync(SandboxAccount account, Node stanza, CancellationToken cancellationToken);

    /// <summary>
    /// A companion of <paramref name="account"/> uploaded its first prekeys (it is linked and up): the phone sends it what
    /// a phone sends a new companion (its history sync).
    /// </summary>
    Task CompanionReadyAsync(SandboxAccount account, int deviceId, CancellationToken cancellationToken) => Task.CompletedTask;
}
