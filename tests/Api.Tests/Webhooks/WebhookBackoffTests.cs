using WaEngine.Api.Webhooks;

namespace WaEngine.Api.Tests.Webhooks;

public sealed class WebhookBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(1, 1_000)]
    [InlineData(2, 2_000)]
    [InlineData(3, 4_000)]
    [InlineData(10, 512_000)]
    [InlineData(11, 600_000)]
    [InlineData(40, 600_000)]
    [InlineData(int.MaxValue, 600_000)]
    public void The_ceiling_doubles_per_failure_up_to_the_maximum(int failures, double ceilingMs)
    {
        Assert.Equal(TimeSpan.Zero, WebhookBackoff.Delay(failures, Base, Max, 0));
        Assert.Equal(ceilingMs / 2, WebhookBackoff.Delay(failures, Base, Max, 0.5).TotalMilliseconds, 3);
        Assert.True(WebhookBackoff.Delay(failures, Base, Max, 0.999_999).TotalMilliseconds < ceilingMs);
    }

    [Fact]
    public void Retries_span_the_default_max_age_with_at_most_a_few_hundred_attempts()
    {
        // With the defaults (1 s .. 10 min, full jitter averaging half the ceiling) 25 hours take about 300 attempts.
        var elapsed = TimeSpan.Zero;
        var attempts = 0;
        while (elapsed < TimeSpan.FromHours(25))
        {
            elapsed += WebhookBackoff.Delay(++attempts, Base, Max, 0.5);
        }

        Assert.InRange(attempts, 250, 320);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookBackoff.Delay(0, Base, Max, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookBackoff.Delay(1, Base, Max, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookBackoff.Delay(1, Base, Max, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookBackoff.Delay(1, Base, Max, double.NaN));
    }
}
