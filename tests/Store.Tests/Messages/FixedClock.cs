namespace WaEngine.Store.Tests.Messages;

/// <summary>A clock stopped at the time it was made with.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
