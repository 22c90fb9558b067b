using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace WaEngine.Api.Media;

/// <summary>
/// The HTTP client for media hosts (uploads and downloads). Their certificates are checked against the system's trust
/// store (so <c>SSL_CERT_FILE</c> works as for any .NET program) and, in <c>--sandbox</c> mode, also against the sandbox's
/// own media CA (asked for once, when the first connection needs it).
/// </summary>
public sealed class MediaHostClient : IDisposable
{
    private readonly Lazy<X509Certificate2?> _extraCa;

    /// <summary>Creates the client; <paramref name="extraCaPem"/> gives a CA to trust besides the system's, or null.</summary>
    public MediaHostClient(Func<string?> extraCaPem)
    {
        ArgumentNullException.ThrowIfNull(extraCaPem);
        _extraCa = new Lazy<X509Certificate2?>(() => extraCaPem() is { Length: > 0 } pem ? X509Certificate2.CreateFromPem(pem) : null);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validate },
        };
        Http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
    }

    /// <summary>The client.</summary>
    public HttpClient Http { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Http.Dispose();
        if (_extraCa.IsValueCreated)
        {
            _extraCa.Value?.Dispose();
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || _extraCa.Value is not { } ca)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
