using System.Net;
using System.Net.Sockets;

/// <summary>A webhook receiver on loopback that answers 204 to every POST, so each measured line has a live webhook.</summary>
internal sealed class WebhookSink : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private long _received;

    public WebhookSink()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/webhook");
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Url.Port}/");
        _listener.Start();
        _loop = Task.Run(RunAsync);
    }

    public Uri Url { get; }

    public long Received => Interlocked.Read(ref _received);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop;
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

            Interlocked.Increment(ref _received);
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }
}
