using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Engine.Storage;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Journal;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;
using LineOptions = WaEngine.Engine.Session.LineOptions;

namespace WaEngine.Integration.Tests;

/// <summary>One line for a test: its SQLite database in a folder, an actor, and everything the actor published.</summary>
internal sealed class TestLine : IAsyncDisposable
{
    private readonly LineDatabase _database;
    private readonly LineSubscription _subscription;
    private readonly List<LineEvent> _events = [];
    private readonly Lock _gate = new();
    private readonly Task _pump;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestLine(LineDatabase database, LineActor actor, SqliteCredentialStore credentials, SqliteSignalStore signal, SqliteMessageStore messages)
    {
        Messages = messages;
        _database = database;
        Actor = actor;
        Credentials = credentials;
        Signal = signal;
        _subscription = actor.Subscribe(1024);
        _pump = Task.Run(PumpAsync);
    }

    public LineActor Actor { get; }

    public SqliteCredentialStore Credentials { get; }

    public SqliteSignalStore Signal { get; }

    public SqliteMessageStore Messages { get; }

    public string DatabasePath => _database.Path;

    public static ILoggerFactory Logs { get; } = Environment.GetEnvironmentVariable("WAENGINE_TEST_LOGS") == "1"
        ? LoggerFactory.Create(b => b.AddConsole().SetMinimumLevel(LogLevel.Debug))
        : NullLoggerFactory.Instance;

    public static LineOptions Options(Uri url, byte[] root) => new()
    {
        ServerUrl = url,
        TrustedRootKey = root,
        Reconnect = new ReconnectPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2)),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Opens the line kept in <c>folder/name.db</c>; its id is derived from the name (the same name, the same id).</summary>
    public static async Task<TestLine> OpenAsync(string folder, string name, LineOptions options, TimeProvider? time = null)
    {
        Directory.CreateDirectory(folder);
        var lineId = IdOf(name);
        var database = await LineDatabase.OpenAsync(Path.Combine(folder, name + ".db"), CancellationToken.None);
        var credentials = new SqliteCredentialStore(database);
        var signal = new SqliteSignalStore(database);
        var messages = new SqliteMessageStore(database, time);
        var actor = new LineActor(lineId, options, credentials, signal, messages, new SqliteStatusJournal(database), Logs.CreateLogger<LineActor>(), time, calls: new SqliteCallLog(database, time),
            groups: new WaEngine.Store.Groups.SqliteGroupStore(database, time));
        return new TestLine(database, actor, credentials, signal, messages);
    }

    /// <summary>A positive id that depends only on <paramref name="name"/> (FNV-1a).</summary>
    public static LineId IdOf(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return new LineId((long)(hash >> 1) | 1);
    }

    public IReadOnlyList<LineEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<string> Statuses => [.. Events.OfType<StatusChanged>().Select(e => e.Change.To.ToName())];

    public Task<T> WaitForAsync<T>(Func<T, bool>? match = null, int skip = 0, TimeSpan? timeout = null)
        where T : LineEvent =>
        PollAsync(() => Events.OfType<T>().Where(e => match is null || match(e)).Skip(skip).FirstOrDefault(), timeout, typeof(T).Name);

    public Task<MessageStatusChanged> WaitForMessageStatusAsync(string msgId, MessageStatus status, TimeSpan? timeout = null) =>
        WaitForAsync<MessageStatusChanged>(e => e.MsgId == msgId && e.Status == status, timeout: timeout);

    public Task<MessageReceived> WaitForMessageAsync(string msgId, TimeSpan? timeout = null) =>
        WaitForAsync<MessageReceived>(e => e.Message.MsgId == msgId, timeout: timeout);

    public Task<StatusChanged> WaitForStatusAsync(LineStatus status, int skip = 0, TimeSpan? timeout = null) =>
        WaitForAsync<StatusChanged>(e => e.Change.To == status, skip, timeout);

    public async ValueTask DisposeAsync()
    {
        await Actor.DisposeAsync();
        await _pump;
        _subscription.Dispose();
        _database.Dispose();
    }

    /// <summary>Waits for an event <paramref name="find"/> recognises: woken by each new event, under one timeout (no polling).</summary>
    private async Task<T> PollAsync<T>(Func<T?> find, TimeSpan? timeout, string what)
        where T : class
    {
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                arrived = _arrived.Task;
            }

            if (find() is { } found)
            {
                return found;
            }

            try
            {
                await arrived.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested)
            {
                throw new TimeoutException($"No {what} within the limit; statuses so far: {string.Join(" → ", Statuses)}; last reason: {Events.OfType<StatusChanged>().LastOrDefault()?.Change.Reason}.");
            }
        }
    }

    private async Task PumpAsync()
    {
        await foreach (var e in _subscription.Reader.ReadAllAsync())
        {
            TaskCompletionSource woken;
            lock (_gate)
            {
                _events.Add(e);
                woken = _arrived;
                _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            woken.TrySetResult();
        }
    }
}
