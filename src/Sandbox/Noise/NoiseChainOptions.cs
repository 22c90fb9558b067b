using WaEngine.Engine.Noise;

namespace WaEngine.Sandbox.Noise;

/// <summary>
/// What a sandbox server puts in the certificate chain it issues. The defaults make a valid chain; tests
/// change single fields to produce each kind of invalid chain.
/// </summary>
internal sealed record NoiseChainOptions
{
    /// <summary>The intermediate certificate's own serial (default 1).</summary>
    public uint IntermediateSerial { get; init; } = 1;

    /// <summary>The issuer serial in the intermediate (default 0, the root's serial).</summary>
    public uint IntermediateIssuerSerial { get; init; } = NoiseCertificateVerifier.RootSerial;

    /// <summary>The leaf certificate's own serial (default 2).</summary>
    public uint LeafSerial { get; init; } = 2;

    /// <summary>The issuer serial in the leaf; null (default) means the intermediate's serial.</summary>
    public uint? LeafIssuerSerial { get; init; }

    /// <summary>Start of the intermediate's validity (default: the Unix epoch).</summary>
    public DateTimeOffset IntermediateNotBefore { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>End of the intermediate's validity (default: year 2200).</summary>
    public DateTimeOffset IntermediateNotAfter { get; init; } = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Start of the leaf's validity (default: the Unix epoch).</summary>
    public DateTimeOffset LeafNotBefore { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>End of the leaf's validity (default: year 2200).</summary>
    public DateTimeOffset LeafNotAfter { get; init; } = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The key the leaf certifies; null (default) means the server static key the chain is issued for.</summary>
    public byte[]? LeafKeyOverride { get; init; }
}
