using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SkiaSharp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WaEngine.Api.Tests.Webhooks;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Media;

/// <summary>
/// What the line's media messages show before they are downloaded, as unmodified Baileys 7 receives them through the
/// strict sandbox: an image's JPEG thumbnail (read back with sharp, an independent decoder) and dimensions, a voice
/// note's 64-value waveform and duration; a voice note whose audio does not decode still goes, without a waveform; a
/// video's first frame as its JPEG thumbnail (ffmpeg) with its duration and dimensions; the same by url; stickers'
/// isAnimated; a video whose moov comes last has its duration and dimensions.
/// </summary>
public class MediaPreviewFlowTests
{
    private const string OwnerPhone = "15550007201";
    private const string BaileysPhone = "15550007203";

    [Fact]
    public async Task Baileys_receives_image_and_video_thumbnails_the_waveform_and_a_moov_last_videos_duration()
    {
        using var data = new TempFolder();
        // A file server next to the service, for sends by url (a loopback address: AllowPrivate).
        await using var files = await FileServer.StartAsync();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], new Dictionary<string, string> { ["Api__MediaFetch__AllowPrivate"] = "true" });
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, token) = await ApiClients.CreateLineAsync(admin, "preview", start: true);
        await ApiClients.PairAsync(service, admin, id, token, OwnerPhone);
        await ApiClients.AddPhoneAsync(service, BaileysPhone);
        var caFile = Path.Combine(data.Path, "media-ca.pem");
        await File.WriteAllTextAsync(caFile, (await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/info"))!["media_ca_pem"]!.GetValue<string>());
        await using var baileys = await BaileysPeer.StartPairedAsync(service.Http, caFile, BaileysPhone);
        using var line = ApiClients.Line(service, token);

        // An image: its thumbnail is a JPEG 32 pixels wide in the image's proportions; the dimensions are the image's.
        var photo = RealMedia.Image(SKEncodedImageFormat.Jpeg, 1200, 900);
        var image = await SendAsync(line, "image", new JsonObject { ["to"] = BaileysPhone, ["file"] = Convert.ToBase64String(photo), ["mimetype"] = "image/jpeg", ["caption"] = "preview" });
        var imageMessage = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = image }))["message"]!["imageMessage"]!;
        Assert.Equal((1200, 900), (imageMessage["width"]!.GetValue<int>(), imageMessage["height"]!.GetValue<int>()));
        var thumbnail = await baileys.CallAsync(new JsonObject { ["op"] = "image-info", ["data"] = imageMessage["jpegThumbnail"]!.GetValue<string>() });
        Assert.Equal(("jpeg", 32, 24), (thumbnail["format"]!.GetValue<string>(), thumbnail["width"]!.GetValue<int>(), thumbnail["height"]!.GetValue<int>()));

        // A voice note (encoded by ffmpeg's libopus): 64 values of at most 100, quiet first and loud last as recorded, and its duration.
        var voice = FfmpegFiles.VoiceNote(data.Path, 3.3, "t/3.3");
        var note = await SendAsync(line, "audio", new JsonObject { ["to"] = BaileysPhone, ["file"] = Convert.ToBase64String(voice), ["mimetype"] = "audio/ogg; codecs=opus" });
        var audioMessage = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = note }))["message"]!["audioMessage"]!;
        Assert.True(audioMessage["ptt"]!.GetValue<bool>());
        Assert.Equal(4, audioMessage["seconds"]!.GetValue<int>());
        var waveform = Convert.FromBase64String(audioMessage["waveform"]!.GetValue<string>());
        Assert.Equal(64, waveform.Length);
        Assert.All(waveform, v => Assert.InRange(v, (byte)0, (byte)100));
        Assert.True(waveform[0] < 10 && waveform[^4..].Max() > 90, $"quiet first, loud last: {string.Join(',', waveform)}");
        Assert.Equal(MediaFiles.Sha256(voice), (await baileys.CallAsync(new JsonObject { ["op"] = "download", ["id"] = note }))["sha256"]!.GetValue<string>());

        // Audio that does not decode: the voice note still goes, without a waveform, and says so in the log.
        var broken = MediaFiles.OggOpus(8_000, seconds: 2.5);
        var brokenNote = await SendAsync(line, "audio", new JsonObject { ["to"] = BaileysPhone, ["file"] = Convert.ToBase64String(broken), ["mimetype"] = "audio/ogg; codecs=opus" });
        var brokenMessage = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = brokenNote }))["message"]!["audioMessage"]!;
        Assert.Null(brokenMessage["waveform"]);
        Assert.Equal(3, brokenMessage["seconds"]!.GetValue<int>());
        Assert.Contains("no waveform", service.Output, StringComparison.Ordinal);

        // A real video (made by ffmpeg): its first frame as a JPEG 32 pixels wide (ffmpeg in the service), its duration and
        // dimensions; Baileys downloads the very bytes.
        var clip = FfmpegFiles.Video(data.Path, 640, 480, seconds: 2.2);
        var clipId = await SendAsync(line, "video", new JsonObject { ["to"] = BaileysPhone, ["file"] = Convert.ToBase64String(clip), ["mimetype"] = "video/mp4", ["caption"] = "clip" });
        var clipMessage = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = clipId }))["message"]!["videoMessage"]!;
        Assert.Equal((3, 640, 480), (clipMessage["seconds"]!.GetValue<int>(), clipMessage["width"]!.GetValue<int>(), clipMessage["height"]!.GetValue<int>()));
        var frame = await baileys.CallAsync(new JsonObject { ["op"] = "image-info", ["data"] = clipMessage["jpegThumbnail"]!.GetValue<string>() });
        Assert.Equal(("jpeg", 32, 24), (frame["format"]!.GetValue<string>(), frame["width"]!.GetValue<int>(), frame["height"]!.GetValue<int>()));
        Assert.Equal(MediaFiles.Sha256(clip), (await baileys.CallAsync(new JsonObject { ["op"] = "download", ["id"] = clipId }))["sha256"]!.GetValue<string>());

        // By url, the service downloading the files: the same thumbnails, and Baileys decrypts the very bytes.
        files.Add("/photo.jpg", photo);
        files.Add("/clip.mp4", clip);
        foreach (var (kind, name, mimetype) in new[] { ("image", "/photo.jpg", "image/jpeg"), ("video", "/clip.mp4", "video/mp4") })
        {
            var byUrl = await SendAsync(line, kind, new JsonObject { ["to"] = BaileysPhone, ["url"] = files.Url(name), ["mimetype"] = mimetype });
            var content = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = byUrl }))["message"]![kind + "Message"]!;
            var thumb = await baileys.CallAsync(new JsonObject { ["op"] = "image-info", ["data"] = content["jpegThumbnail"]!.GetValue<string>() });
            Assert.Equal(("jpeg", 32), (thumb["format"]!.GetValue<string>(), thumb["width"]!.GetValue<int>()));
            Assert.Equal(MediaFiles.Sha256(files.Get(name)), (await baileys.CallAsync(new JsonObject { ["op"] = "download", ["id"] = byUrl }))["sha256"]!.GetValue<string>());
        }

        // Stickers say whether they are animated (from the WebP header), static and animated alike.
        foreach (var animated in new[] { false, true })
        {
            var sticker = await SendAsync(line, "sticker", new JsonObject { ["to"] = BaileysPhone, ["file"] = Convert.ToBase64String(MediaFiles.WebP(20_000, animated)), ["mimetype"] = "image/webp" });
            var stickerMessage = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = sticker }))["message"]!["stickerMessage"]!;
            Assert.Equal((animated, 512, 512), (stickerMessage["isAnimated"]?.GetValue<bool>() ?? false, stickerMessage["width"]!.GetValue<int>(), stickerMessage["height"]!.GetValue<int>()));
        }

        // A video whose moov comes after its media data: duration and dimensions all the same.
        var movie = MediaProbeTests.Concat(
            MediaProbeTests.Box("ftyp", "isom\0\0\0\0isommp41"u8.ToArray()),
            MediaProbeTests.Box("mdat", System.Security.Cryptography.RandomNumberGenerator.GetBytes(200_000)),
            MediaProbeTests.Box("moov", MediaProbeTests.Mvhd(0, 1000, 12_345), MediaProbeTests.Box("trak", MediaProbeTests.Tkhd(0, 640, 360))));
        var video = await SendAsync(line, "video", new JsonObject { ["to"] = BaileysPhone, ["file"] = Convert.ToBase64String(movie), ["mimetype"] = "video/mp4" });
        var videoMessage = (await baileys.WaitAsync("message", match: new JsonObject { ["id"] = video }))["message"]!["videoMessage"]!;
        Assert.Equal((13, 640, 360), (videoMessage["seconds"]!.GetValue<int>(), videoMessage["width"]!.GetValue<int>(), videoMessage["height"]!.GetValue<int>()));

        var rules = (await service.Http.GetFromJsonAsync<JsonNode>("/sandbox/rules"))!;
        Assert.True(rules["strict"]!.GetValue<bool>());
        Assert.All(rules["breaches"]!.AsObject().Where(rule => rule.Key != "R2"), rule => Assert.True(rule.Value!.GetValue<long>() == 0, $"{rule.Key} was broken {rule.Value} times"));
    }

    // A real local web server (Kestrel on a free loopback port) serving the files added to it.
    private sealed class FileServer : IAsyncDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _files = new();
        private WebApplication? _server;
        private int _port;

        public static async Task<FileServer> StartAsync()
        {
            var files = new FileServer { _port = ReceiverProcess.FreePort() };
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{files._port}");
            files._server = builder.Build();
            files._server.MapGet("/{**name}", (string name) => files._files.TryGetValue("/" + name, out var bytes) ? Results.Bytes(bytes, "application/octet-stream") : Results.NotFound());
            await files._server.StartAsync();
            return files;
        }

        public void Add(string name, byte[] bytes) => _files[name] = bytes;

        public byte[] Get(string name) => _files[name];

        public string Url(string name) => $"http://127.0.0.1:{_port}{name}";

        public async ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }

    private static async Task<string> SendAsync(HttpClient line, string kind, JsonObject body)
    {
        var response = await line.PostAsJsonAsync("/api/messages/" + kind, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{kind}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["msg_id"]!.GetValue<string>();
    }
}
