using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Media;

namespace WaEngine.Engine.Tests.Media;

/// <summary>
/// An upload no media host takes fails as a whole with <see cref="MediaErrorCodes.UploadFailed"/>, naming every host
/// tried and what went wrong there, so the send answers 502 and queues nothing (nothing half-sent).
/// </summary>
public class MediaUploaderTests
{
    [Fact]
    public async Task When_every_host_fails_the_upload_fails_naming_each_host()
    {
        var (first, second) = ($"127.0.0.1:{ClosedPort()}", $"127.0.0.1:{ClosedPort()}");
        var conn = new MediaConn("auth", [first, second], TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);
        var asked = 0;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var uploader = new MediaUploader(http, NullLogger.Instance);
        var encrypted = new EncryptedMedia(new byte[32], new byte[32], new byte[32], 6, 16);

        var failed = await Assert.ThrowsAsync<MediaException>(() => uploader.UploadAsync(
            (_, _) => { asked++; return Task.FromResult(conn); }, MediaKind.Document, () => new MemoryStream(new byte[16]), encrypted, CancellationToken.None));

        Assert.Equal(MediaErrorCodes.UploadFailed, failed.Code);
        Assert.Contains(first, failed.Message, StringComparison.Ordinal);
        Assert.Contains(second, failed.Message, StringComparison.Ordinal);
        Assert.Equal(1, asked);
    }

    // A loopback port nothing listens on: bound, read and released.
    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
