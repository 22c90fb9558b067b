using WaEngine.Api.Hosting;

namespace WaEngine.Api.Tests.Hosting;

public class ApiOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid() => Assert.True(new ApiOptionsValidator().Validate(null, new ApiOptions()).Succeeded);

    [Fact]
    public void Every_wrong_setting_is_named_with_its_key()
    {
        var options = new ApiOptions
        {
            RateLimit = new RateLimitOptions { SendsPerSecond = 0, SendBurst = 5, RequestsPerSecond = 10, RequestBurst = 5 },
            IdempotencyRetention = TimeSpan.FromSeconds(5),
            EventsKeepAlive = TimeSpan.Zero,
            Media = new WaEngine.Api.Media.MediaOptions { FfmpegTimeout = TimeSpan.Zero },
        };
        var result = new ApiOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var failures = string.Join("\n", result.Failures!);
        Assert.Contains("Api:RateLimit:SendsPerSecond", failures, StringComparison.Ordinal);
        Assert.Contains("Api:RateLimit:RequestBurst (5) is below RequestsPerSecond (10)", failures, StringComparison.Ordinal);
        Assert.Contains("Api:IdempotencyRetention", failures, StringComparison.Ordinal);
        Assert.Contains("Api:EventsKeepAlive", failures, StringComparison.Ordinal);
        Assert.Contains("Api:Media:FfmpegTimeout", failures, StringComparison.Ordinal);
    }
}
