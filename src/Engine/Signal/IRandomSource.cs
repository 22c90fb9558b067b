namespace WaEngine.Engine.Signal;

/// <summary>Where Signal key generation, signatures and padding take their randomness (injectable for tests).</summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    void Fill(Span<byte> buffer);
}
