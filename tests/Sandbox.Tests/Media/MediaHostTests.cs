using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Media;

public class MediaHostTests
{
    [Fact]
    public async Task Upload_and_download_over_https_trusting_only_the_published_ca()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var info = await sandbox.GetJsonAsync("/sandbox/info");
        using var media = TrustingOnly(info["media_ca_pem"]!.GetValue<string>());

        var blob = RandomNumberGenerator.GetBytes(100_000);
        var token = Base64Url(SHA256.HashData(blob));
        var auth = Uri.EscapeDataString(sandbox.Runtime.Media.AuthToken);
        var upload = await media.PostAsync($"{info["media_url"]}/mms/image/{token}?auth={auth}&token={token}", new ByteArrayContent(blob));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var answer = (await upload.Content.ReadFromJsonAsync<JsonNode>())!;
        var url = answer["url"]!.GetValue<string>();
        Assert.StartsWith("/v/sandbox/image/", answer["direct_path"]!.GetValue<string>());
        Assert.Equal(info["media_url"]!.GetValue<string>() + answer["direct_path"]!.GetValue<string>(), url);

        Assert.Equal(blob, await media.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task Uploads_with_a_wrong_hash_or_auth_or_type_are_refused()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var info = await sandbox.GetJsonAsync("/sandbox/info");
        using var media = TrustingOnly(info["media_ca_pem"]!.GetValue<string>());
        var blob = RandomNumberGenerator.GetBytes(1000);
        var token = Base64Url(SHA256.HashData(blob));
        var auth = Uri.EscapeDataString(sandbox.Runtime.Media.AuthToken);
        var baseUrl = info["media_url"]!.GetValue<string>();

        var wrongHash = await media.PostAsync($"{baseUrl}/mms/image/{Base64Url(new byte[32])}?auth={auth}", new ByteArrayContent(blob));
        Assert.Equal(HttpStatusCode.BadRequest, wrongHash.StatusCode);
        var wrongAuth = await media.PostAsync($"{baseUrl}/mms/image/{token}?auth=nope", new ByteArrayContent(blob));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAuth.StatusCode);
        var wrongType = await media.PostAsync($"{baseUrl}/mms/spreadsheet/{token}?auth={auth}", new ByteArrayContent(blob));
        Assert.Equal(HttpStatusCode.NotFound, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await media.GetAsync($"{baseUrl}/v/sandbox/image/0123")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await media.GetAsync($"{baseUrl}/v/sandbox/image/..%2F..%2Fsandbox.db")).StatusCode);
    }

    [Fact]
    public async Task Media_keeps_its_port_and_blobs_across_a_restart()
    {
        using var data = new TempFolder();
        string url;
        string mediaUrl;
        var blob = RandomNumberGenerator.GetBytes(5000);
        await using (var sandbox = await RunningSandbox.StartAsync(data.Path))
        {
            var info = await sandbox.GetJsonAsync("/sandbox/info");
            mediaUrl = info["media_url"]!.GetValue<string>();
            using var media = TrustingOnly(info["media_ca_pem"]!.GetValue<string>());
            var token = Base64Url(SHA256.HashData(blob));
            var upload = await media.PostAsync($"{mediaUrl}/mms/document/{token}?auth={Uri.EscapeDataString(sandbox.Runtime.Media.AuthToken)}", new ByteArrayContent(blob));
            url = (await upload.Content.ReadFromJsonAsync<JsonNode>())!["url"]!.GetValue<string>();
        }

        await using (var restarted = await RunningSandbox.StartAsync(data.Path))
        {
            var info = await restarted.GetJsonAsync("/sandbox/info");
            Assert.Equal(mediaUrl, info["media_url"]!.GetValue<string>());
            using var media = TrustingOnly(info["media_ca_pem"]!.GetValue<string>());
            Assert.Equal(blob, await media.GetByteArrayAsync(url));
        }
    }

    private static HttpClient TrustingOnly(string caPem)
    {
        var ca = X509Certificate2.CreateFromPem(caPem);
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        return new HttpClient(handler);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
