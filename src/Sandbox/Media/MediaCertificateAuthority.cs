using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WaEngine.Sandbox.Media;

/// <summary>
/// The sandbox's own certificate authority for its HTTPS media host (clients such as Baileys only speak HTTPS
/// to media hosts). Made once per data folder and kept as PEM files; clients trust <see cref="CaPem"/>.
/// </summary>
public sealed class MediaCertificateAuthority
{
    private MediaCertificateAuthority(string caPem, X509Certificate2 serverCertificate)
    {
        CaPem = caPem;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The CA certificate in PEM form, published by <c>GET /sandbox/info</c> as <c>media_ca_pem</c>.</summary>
    public string CaPem { get; }

    /// <summary>The media host's certificate (localhost, 127.0.0.1, ::1) with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Loads the CA and server certificate from <paramref name="folder"/>, or creates them.</summary>
    public static MediaCertificateAuthority LoadOrCreate(string folder, TimeProvider time)
    {
        Directory.CreateDirectory(folder);
        var caPath = Path.Combine(folder, "media-ca.pem");
        var certPath = Path.Combine(folder, "media-server.pem");
        var keyPath = Path.Combine(folder, "media-server.key.pem");
        var now = time.GetUtcNow();

        if (File.Exists(caPath) && File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPem(File.ReadAllText(certPath), File.ReadAllText(keyPath));
            if (existing.NotAfter.ToUniversalTime() > now.UtcDateTime.AddDays(30))
            {
                return new MediaCertificateAuthority(File.ReadAllText(caPath), existing);
            }
        }

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=WaEngine Sandbox Media CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = serverRequest.Create(ca, now.AddMinutes(-5), now.AddYears(5), serial);

        var caPem = ca.ExportCertificatePem();
        var serverPem = issued.ExportCertificatePem();
        var serverKeyPem = serverKey.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(caPath, caPem);
        File.WriteAllText(certPath, serverPem);
        WritePrivate(keyPath, serverKeyPem);
        return new MediaCertificateAuthority(caPem, X509Certificate2.CreateFromPem(serverPem, serverKeyPem));
    }

    private static void WritePrivate(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(content);
    }
}
