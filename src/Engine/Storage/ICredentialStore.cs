namespace WaEngine.Engine.Storage;

/// <summary>One line's device credentials and its desired-running flag.</summary>
public interface ICredentialStore
{
    /// <summary>The stored credentials, or null when the line has none (new, or logged out).</summary>
    Task<DeviceCredentials?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the stored credentials as one atomic write.</summary>
    Task SaveAsync(DeviceCredentials credentials, CancellationToken cancellationToken);

    /// <summary>
    /// Logged out: deletes the credentials and every Signal key and session of the line in one transaction.
    /// Other data of the line (chats, messages) is kept.
    /// </summary>
    Task WipeAsync(CancellationToken cancellationToken);

    /// <summary>Whether the line should run when the process starts (set by start, cleared by stop).</summary>
    Task<bool> GetDesiredRunningAsync(CancellationToken cancellationToken);

    /// <summary>Records whether the line should run when the process starts.</summary>
    Task SetDesiredRunningAsync(bool running, CancellationToken cancellationToken);
}
