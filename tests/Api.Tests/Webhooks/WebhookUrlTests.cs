using WaEngine.Api.Webhooks;

namespace WaEngine.Api.Tests.Webhooks;

public sealed class WebhookUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5678/webhook/waengine")]
    [InlineData("http://localhost:5678/webhook-test/abc?token=x")]
    [InlineData("http://[::1]:5678/webhook")]
    [InlineData("https://n8n.example.com/webhook/7f3c")]
    [InlineData("http://n8n:5678/webhook/x")]
    public void Http_and_https_urls_with_a_host_are_accepted_including_this_machine(string url) =>
        Assert.Null(WebhookUrl.Problem(url, "url"));

    [Theory]
    [InlineData("", "without spaces")]
    [InlineData(" http://a/b", "without spaces")]
    [InlineData("http://a/b c", "without spaces")]
    [InlineData("not a url", "without spaces")]
    [InlineData("/webhook", "not an absolute URL")]
    [InlineData("webhook", "not an absolute URL")]
    [InlineData("127.0.0.1:5678/webhook", "not an absolute URL")]
    [InlineData("ftp://host/x", "only http:// and https://")]
    [InlineData("file:///etc/passwd", "only http:// and https://")]
    [InlineData("ws://host/x", "only http:// and https://")]
    [InlineData("http://user:pass@host/x", "user info")]
    public void Other_urls_get_a_sentence_naming_the_field(string url, string why)
    {
        var problem = WebhookUrl.Problem(url, "webhook_url");
        Assert.NotNull(problem);
        Assert.StartsWith("webhook_url", problem, StringComparison.Ordinal);
        Assert.Contains(why, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Logs_see_only_scheme_host_and_port() =>
        Assert.Equal("https://n8n.example.com:8443", WebhookUrl.ForLog(new Uri("https://n8n.example.com:8443/webhook/secret-token?key=1")));
}
