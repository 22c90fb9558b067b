namespace WaEngine.Engine.Tests.Noise;

/// <summary>A clock frozen at one instant, for certificate validity tests.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
