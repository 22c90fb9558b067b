namespace WaEngine.Engine.Pairing;

/// <summary>The WhatsApp Web version a client claims (the server refuses versions it considers too old with 405).</summary>
/// <param name="Primary">First part (2).</param>
/// <param name="Secondary">Second part (3000).</param>
/// <param name="Tertiary">Build number.</param>
public readonly record struct WaWebVersion(uint Primary, uint Secondary, uint Tertiary)
{
    /// <summary>2.3000.1043857760, the version Baileys 7.0.0-rc14 sends.</summary>
    public static WaWebVersion Default => new(2, 3000, 1043857760);

    /// <summary>"primary.secondary.tertiary", the string whose MD5 is the registration build hash.</summary>
    public override string ToString() => $"{Primary}.{Secondary}.{Tertiary}";
}
