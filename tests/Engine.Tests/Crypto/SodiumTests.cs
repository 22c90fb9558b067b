using System.Runtime.InteropServices;
using WaEngine.Engine.Crypto;

namespace WaEngine.Engine.Tests.Crypto;

public class SodiumTests
{
    [Fact]
    public void The_only_libsodium_in_the_process_is_the_one_the_nuget_package_put_next_to_the_app()
    {
        Assert.True(OperatingSystem.IsLinux(), "this check reads the process's mappings from /proc/self/maps");

        // Agreement, signing and verification: every way the engine reaches libsodium, raw binding or NSec.
        var pair = Curve25519.GenerateKeyPair();
        var signature = Curve25519.Sign(pair.PrivateKey, "native library"u8);
        Assert.True(Curve25519.Verify(pair.PublicKey, "native library"u8, signature));
        Sodium.EnsureLoaded();

        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? line[slash..] : string.Empty)
            .Where(path => Path.GetFileName(path).StartsWith("libsodium", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        // The package's native asset, copied under the test's output folder: runtimes/<rid>/native/libsodium.so.
        var expected = Path.Combine(Path.GetFullPath(AppContext.BaseDirectory), "runtimes", RuntimeInformation.RuntimeIdentifier, "native", "libsodium.so");
        Assert.Equal([expected], mapped);
    }
}
