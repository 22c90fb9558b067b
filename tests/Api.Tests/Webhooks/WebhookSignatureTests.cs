using System.Text;
using WaEngine.Api.Webhooks;

namespace WaEngine.Api.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private const string Body = """{"event":"messages.received","timestamp":1779285900,"session":{"id":8},"data":{}}""";

    // Independent vector: `printf '1779285900.<Body>' | openssl dgst -sha256 -hmac n8n-shared-secret`, and the same
    // from Node's crypto.createHmac("sha256", secret).update("1779285900." + body).digest("hex").
    private const string Expected = "sha256=b15ee26ebec9c6bea9c63d6bd5fba3205b86326c5b80856712e3c58a67aae352";

    [Fact]
    public void The_signature_is_hex_hmac_sha256_of_timestamp_dot_body_as_openssl_computes_it() =>
        Assert.Equal(Expected, WebhookSignature.Compute("n8n-shared-secret", 1_779_285_900, Encoding.UTF8.GetBytes(Body)));

    [Fact]
    public void Verification_checks_the_bytes_the_secret_and_the_replay_window()
    {
        var body = Encoding.UTF8.GetBytes(Body);
        var sent = DateTimeOffset.FromUnixTimeSeconds(1_779_285_900);
        var window = TimeSpan.FromMinutes(5);
        Assert.True(WebhookSignature.Verify("n8n-shared-secret", Expected, "1779285900", body, sent.AddSeconds(299), window));
        Assert.False(WebhookSignature.Verify("n8n-shared-secret", Expected, "1779285900", body, sent.AddSeconds(301), window));
        Assert.False(WebhookSignature.Verify("n8n-shared-secret", Expected, "1779285900", body, sent.AddSeconds(-301), window));
        Assert.False(WebhookSignature.Verify("another-secret", Expected, "1779285900", body, sent, window));
        Assert.False(WebhookSignature.Verify("n8n-shared-secret", Expected, "1779285901", body, sent, window));
        Assert.False(WebhookSignature.Verify("n8n-shared-secret", Expected, "1779285900", Encoding.UTF8.GetBytes(Body + " "), sent, window));
        Assert.False(WebhookSignature.Verify("n8n-shared-secret", Expected.ToUpperInvariant(), "1779285900", body, sent, window));
        Assert.False(WebhookSignature.Verify("n8n-shared-secret", null, "1779285900", body, sent, window));
        Assert.False(WebhookSignature.Verify("n8n-shared-secret", Expected, "soon", body, sent, window));
    }
}
