using Microsoft.Extensions.Configuration;
using WaEngine.Api.Webhooks;

namespace WaEngine.Api.Tests.Webhooks;

public sealed class WebhookOptionsTests
{
    [Fact]
    public void Defaults_retry_for_more_than_a_day()
    {
        var options = WebhookOptions.FromConfiguration(new ConfigurationBuilder().Build());
        Assert.Equal(new WebhookOptions(), options);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal(TimeSpan.FromHours(25), options.MaxAge);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)), (options.BaseDelay, options.MaxDelay));
        Assert.Equal(TimeSpan.FromHours(1), options.PollInterval);
    }

    [Fact]
    public void The_webhooks_section_sets_them()
    {
        var options = WebhookOptions.FromConfiguration(Configuration(("Timeout", "00:00:03"), ("MaxAge", "2.00:00:00"), ("Parallelism", "8"), ("BaseDelay", "00:00:00.250")));
        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromDays(2), 8, TimeSpan.FromMilliseconds(250)), (options.Timeout, options.MaxAge, options.Parallelism, options.BaseDelay));
    }

    [Theory]
    [InlineData("Timeout", "00:00:00", "Webhooks__Timeout")]
    [InlineData("Timeout", "01:00:00", "at most 5 minutes")]
    [InlineData("MaxDelay", "00:00:00.500", "at least BaseDelay")]
    [InlineData("Parallelism", "0", "1 to 64")]
    [InlineData("PollInterval", "-00:00:01", "Webhooks__PollInterval")]
    [InlineData("Timeout", "ten seconds", "Timeout")]
    public void Wrong_settings_stop_the_start_with_the_reason(string key, string value, string reason)
    {
        var wrong = Assert.Throws<InvalidOperationException>(() => WebhookOptions.FromConfiguration(Configuration((key, value))));
        Assert.Contains(reason, wrong.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("Webhooks:" + s.Key, s.Value))).Build();
}
