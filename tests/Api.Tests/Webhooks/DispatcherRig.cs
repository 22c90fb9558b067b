using WaEngine.Engine.Session;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Api.Webhooks;
using WaEngine.Store;
using WaEngine.Store.Registry;
using WaEngine.Store.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Webhooks;

/// <summary>The webhook dispatcher in the test process over a real registry and real line databases in a temporary folder.</summary>
internal sealed class DispatcherRig : IAsyncDisposable
{
    private readonly TempFolder _folder = new();
    private LineRegistry? _registry;
    private Func<WebhookDispatcher> _start = null!;

    private DispatcherRig()
    {
    }

    public static WebhookOptions Fast { get; } = new()
    {
        Timeout = TimeSpan.FromMilliseconds(500),
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromMilliseconds(300),
        MaxAge = TimeSpan.FromHours(1),
    };

    public string Folder => _folder.Path;

    public LineRegistry Registry => _registry!;

    public WebhookDispatcher Dispatcher { get; private set; } = null!;

    public LineDatabases Databases { get; private set; } = null!;

    public static async Task<DispatcherRig> StartAsync(WebhookOptions options, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        var rig = new DispatcherRig();
        rig._registry = await LineRegistry.OpenAsync(rig.Folder, TimeProvider.System, default);
        rig.Databases = new LineDatabases(Path.Combine(rig.Folder, "lines"));
        rig._start = () => new WebhookDispatcher(rig.Registry, rig.Databases, options, time ?? TimeProvider.System, loggers ?? NullLoggerFactory.Instance);
        rig.Dispatcher = rig._start();
        await rig.Dispatcher.StartedAsync(default);
        return rig;
    }

    /// <summary>Stops the dispatcher (as the service does when it stops) and returns once every worker has ended.</summary>
    public async Task StopDispatcherAsync() => await Dispatcher.DisposeAsync();

    /// <summary>A new dispatcher over the same registry and line databases, started: what a restarted service runs.</summary>
    public async Task StartDispatcherAsync()
    {
        Dispatcher = _start();
        await Dispatcher.StartedAsync(default);
    }

    public async Task<(LineId Id, LineDatabase Database)> AddLineAsync(Uri? url, string? secret, string events = "messages.received")
    {
        var (line, _) = await Registry.CreateAsync("line", url?.ToString(), secret, events, default);
        var database = await LineAsync(line.Id);
        await Dispatcher.WebhookChangedAsync(line.Id, default);
        return (line.Id, database);
    }

    public Task<LineDatabase> LineAsync(LineId id) => Databases.OpenAsync(id, default);

    public async Task<WebhookOutbox> OutboxAsync(LineId id) => new(await LineAsync(id), id);

    /// <summary>Waits until the line has <paramref name="count"/> deliveries and none is pending.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> SettledAsync(LineId id, int count, TimeSpan within)
    {
        var outbox = await OutboxAsync(id);
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var all = await outbox.ListAsync(null, 100_000, null, default);
            if (all.Count >= count && all.All(d => d.Status != WebhookDeliveryStatus.Pending))
            {
                return all;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Line {id}: {all.Count(d => d.Status == WebhookDeliveryStatus.Pending)} of {all.Count} deliveries still pending (expected {count}).");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Dispatcher.DisposeAsync();
        Databases.Dispose();
        _folder.Dispose();
    }
}
