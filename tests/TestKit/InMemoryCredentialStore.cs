using WaEngine.Engine.Transport;
using WaEngine.Engine.Storage;
namespace WaEngine.TestKit;

/// <summary>
/// Credentials kept in memory, for tests. <see cref="WipeAsync"/> forgets the credentials and calls the optional
/// wipe callback (a test's way of clearing its in-memory Signal store).
/// </summary>
/// <param name="onWipe">Called on wipe, after the credentials are forgotten.</param>
public sealed class InMemoryCredentialStore(Action? onWipe = null) : ICredentialStore
{
    private DeviceCredentials? _credentials;
    private bool _desiredRunning;

    /// <inheritdoc />
    public Task<DeviceCredentials?> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(Volatile.Read(ref _credentials));

    /// <inheritdoc />
    public Task SaveAsync(DeviceCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        Volatile.Write(ref _credentials, credentials);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WipeAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _credentials, null);
        onWipe?.Invoke();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> GetDesiredRunningAsync(CancellationToken cancellationToken) => Task.FromResult(Volatile.Read(ref _desiredRunning));

    /// <inheritdoc />
    public Task SetDesiredRunningAsync(bool running, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _desiredRunning, running);
        return Task.CompletedTask;
    }
}
