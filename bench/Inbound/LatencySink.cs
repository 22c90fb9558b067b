using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

/// <summary>
/// A webhook receiver on loopback that notes when each <c>messages.received</c> delivery arrived (Unix microseconds,
/// taken as the request is accepted, before its body is read) under the message's id, and answers 204.
/// </summary>
internal sealed class LatencySink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task[] _loops;
    private readonly ConcurrentDictionary<string, long> _arrivals = new(StringComparer.Ordinal);

    public LatencySink()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/webhook");
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Url.Port}/");
        _listener.Start();
        _loops = [.. Enumerable.Range(0, 8).Select(_ => Task.Run(RunAsync))];
    }

    public Uri Url { get; }

    /// <summary>When the message arrived (Unix µs), if it did.</summary>
    public bool TryArrival(string msgId, out long micros) => _arrivals.TryGetValue(msgId, out micros);

    public int Count => _arrivals.Count;

    public static long NowMicros() => (DateTimeOffset.UtcNow.Ticks - DateTimeOffset.UnixEpoch.Ticks) / 10;

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await Task.WhenAll(_loops);
        _listener.Close();
    }

    private async Task RunAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var at = NowMicros();
            try
            {
                var body = await JsonNode.ParseAsync(context.Request.InputStream);
                if (body?["event"]?.GetValue<string>() == "messages.received" && body["data"]?["messages"]?["key"]?["id"]?.GetValue<string>() is { } id)
                {
                    _arrivals.TryAdd(id, at);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not a delivery we time.
            }

            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }
}
