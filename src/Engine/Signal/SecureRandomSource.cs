using System.Security.Cryptography;

namespace WaEngine.Engine.Signal;

/// <summary>The operating system's cryptographic random source.</summary>
internal sealed class SecureRandomSource : IRandomSource
{
    /// <summary>A shared instance (stateless).</summary>
    public static SecureRandomSource Instance { get; } = new();

    /// <inheritdoc />
    public void Fill(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);
}
