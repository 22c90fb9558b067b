using System.Runtime.InteropServices;

namespace WaEngine.Engine.Crypto;

/// <summary>
/// The raw libsodium functions XEdDSA signing needs and NSec does not expose: Ed25519 scalar arithmetic and
/// the unclamped base-point multiplication. Everything else goes through NSec. The native library is the one
/// the <c>libsodium</c> NuGet package ships (<c>runtimes/&lt;rid&gt;/native</c>), found through the app's
/// deps.json like NSec's own imports, so no system package is needed.
/// </summary>
internal static partial class Sodium
{
    private const string Library = "libsodium";

    static Sodium()
    {
        if (sodium_init() < 0)
        {
            throw new CryptoException("libsodium failed to initialise (sodium_init returned an error).");
        }
    }

    /// <summary>Makes sure the library is loaded and initialised before the first call.</summary>
    public static void EnsureLoaded()
    {
        // Touching the type runs the static constructor once.
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    public static partial int crypto_scalarmult_ed25519_base_noclamp(Span<byte> q, ReadOnlySpan<byte> n);

    [LibraryImport(Library)]
    public static partial void crypto_core_ed25519_scalar_reduce(Span<byte> r, ReadOnlySpan<byte> s);

    [LibraryImport(Library)]
    public static partial void crypto_core_ed25519_scalar_mul(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    [LibraryImport(Library)]
    public static partial void crypto_core_ed25519_scalar_add(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);
}
