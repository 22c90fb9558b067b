using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Media;

/// <summary>
/// The sandbox's media host: an HTTPS server of its own (its certificate from <see cref="MediaCertificateAuthority"/>)
/// shaped like WhatsApp's: <c>POST /mms/&lt;type&gt;/&lt;token&gt;?auth=…&amp;token=…</c> stores the encrypted blob and
/// answers <c>{url, direct_path}</c>; <c>GET /v/…</c> serves it back byte for byte.
/// </summary>
public sealed partial class MediaHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MediaBlobStore _blobs;
    private readonly ILogger<MediaHost> _logger;

    private MediaHost(WebApplication app, MediaBlobStore blobs, string authToken, ILogger<MediaHost> logger)
    {
        _app = app;
        _blobs = blobs;
        AuthToken = authToken;
        _logger = logger;
    }

    /// <summary>The <c>auth</c> value handed out in <c>media_conn</c>; uploads without it are refused.</summary>
    public string AuthToken { get; }

    /// <summary>The host:port clients put in upload and download URLs.</summary>
    public string HostAndPort { get; private set; } = "";

    /// <summary>The stored blobs (what clients uploaded, and what virtual phones send).</summary>
    public MediaBlobStore Blobs => _blobs;

    /// <summary>The base URL, e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public string BaseUrl => "https://" + HostAndPort;

    /// <summary>Starts the host on a loopback port.</summary>
    public static async Task<MediaHost> StartAsync(SandboxOptions options, MediaCertificateAuthority authority, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        // Reuse the port of the last run, so media URLs kept in stored messages still resolve after a restart.
        var portFile = Path.Combine(options.DataFolder, "media-port");
        var port = options.MediaPort;
        if (port == 0 && File.Exists(portFile) && int.TryParse(await File.ReadAllTextAsync(portFile, cancellationToken).ConfigureAwait(false), out var previous)
            && previous is > 0 and <= 65535 && IsFree(options.MediaListenAddress, previous))
        {
            port = previous;
        }

        // Nothing is read from the content root; it is pinned beside the program so the working directory never matters.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MediaBlobStore.MaxBlobBytes;
            kestrel.Listen(IPAddress.Parse(options.MediaListenAddress), port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(authority.ServerCertificate);
            });
        });

        var app = builder.Build();
        var blobs = new MediaBlobStore(Path.Combine(options.DataFolder, "media"));
        var host = new MediaHost(app, blobs, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), loggerFactory.CreateLogger<MediaHost>());
        app.UseRouting();
        app.MapPost("/mms/{type}/{token}", host.UploadAsync);
        app.MapGet("/v/sandbox/{type}/{id}", host.Download);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The media host started without an address.");
        host.HostAndPort = new Uri(address).Authority;
        await File.WriteAllTextAsync(portFile, new Uri(address).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        host.LogStarted(host.BaseUrl);
        return host;
    }

    private static bool IsFree(string address, int port)
    {
        try
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Parse(address), port);
            probe.Start();
            probe.Stop();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private async Task<IResult> UploadAsync(HttpContext context, string type, string token)
    {
        if (!MediaBlobStore.IsKnownType(type))
        {
            return Results.Json(new { error = $"unknown media type '{type}'" }, statusCode: StatusCodes.Status404NotFound);
        }

        if (!string.Equals(context.Request.Query["auth"], AuthToken, StringComparison.Ordinal))
        {
            return Results.Json(new { error = "missing or stale auth from media_conn" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        // Streamed to disk while hashing: a 100 MB document never sits in the sandbox's memory.
        var (directPath, sha256) = await _blobs.SaveAsync(type, context.Request.Body, MediaBlobStore.MaxBlobBytes, context.RequestAborted).ConfigureAwait(false);
        if (directPath is null)
        {
            return Results.Json(new { error = $"the blob is over {MediaBlobStore.MaxBlobBytes} bytes" }, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        // The token is base64url(SHA-256(blob)); Baileys drops the '=' padding, whatsmeow keeps it.
        var expected = Convert.ToBase64String(sha256).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        if (!string.Equals(token.TrimEnd('='), expected, StringComparison.Ordinal))
        {
            _blobs.Discard(directPath);
            return Results.Json(new { error = "token is not base64url(sha256(body))" }, statusCode: StatusCodes.Status400BadRequest);
        }

        LogStored(type, context.Request.ContentLength ?? -1);
        return Results.Json(new { url = BaseUrl + directPath, direct_path = directPath });
    }

    private IResult Download(string type, string id)
    {
        var stream = _blobs.Open(type, id);
        return stream is null
            ? Results.NotFound()
            : Results.Stream(stream, "application/octet-stream");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sandbox media host listening on {BaseUrl}")]
    private partial void LogStarted(string baseUrl);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored a {Type} blob of {Length} bytes")]
    private partial void LogStored(string type, long length);
}
