using System.Collections.Concurrent;

namespace WaEngine.Sandbox.Protocol;

/// <summary>Which devices are connected right now, and the faults armed on each.</summary>
internal sealed class DeviceDirectory
{
    private readonly ConcurrentDictionary<(string Phone, int Device), ServerConnection> _online = new();
    private readonly ConcurrentDictionary<(string Phone, int Device), DeviceFaults> _faults = new();

    public ServerConnection? Find(string phone, int deviceId) => _online.GetValueOrDefault((phone, deviceId));

    public ServerConnection? Replace(string phone, int deviceId, ServerConnection connection)
    {
        ServerConnection? previous = null;
        _online.AddOrUpdate((phone, deviceId), connection, (_, old) =>
        {
            previous = old;
            return connection;
        });
        return previous;
    }

    public void Remove(string phone, int deviceId, ServerConnection connection) =>
        _online.TryRemove(new KeyValuePair<(string, int), ServerConnection>((phone, deviceId), connection));

    public IReadOnlyList<ServerConnection> All() => [.. _online.Values];

    public DeviceFaults Faults(string phone, int deviceId) => _faults.GetOrAdd((phone, deviceId), _ => new DeviceFaults());

    public DeviceFaults? ArmedFaults(string phone, int deviceId) => _faults.GetValueOrDefault((phone, deviceId));
}
