namespace WaEngine.Api.Hosting;

/// <summary>The HTTP client WhatsApp Web's version is read with (one per service; disposed with it).</summary>
public sealed class VersionHttp : IDisposable
{
    /// <summary>How long one read may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>The client.</summary>
    public HttpClient Client { get; } = new() { Timeout = Timeout };

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
