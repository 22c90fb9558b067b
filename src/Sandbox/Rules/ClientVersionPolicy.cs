using System.Globalization;
using WaEngine.Engine.Pairing;
using WaEngine.Proto;

namespace WaEngine.Sandbox.Rules;

/// <summary>
/// R8: the WhatsApp Web versions the sandbox accepts and publishes. Every connection (login or registration) that
/// announces a version below <see cref="Minimum"/> is refused with <c>&lt;failure reason="405"/&gt;</c>; the version WhatsApp
/// Web publishes now (<see cref="Published"/>) is served the way the reference clients read it (<see cref="ServiceWorker"/>).
/// Tests raise both through the control API. Thread-safe.
/// </summary>
public sealed class ClientVersionPolicy
{
    private readonly Lock _gate = new();
    private WaWebVersion _minimum;
    private WaWebVersion _published;

    /// <summary>Creates the policy; <paramref name="published"/> is raised to <paramref name="minimum"/> if it is older.</summary>
    public ClientVersionPolicy(WaWebVersion minimum, WaWebVersion published)
    {
        _minimum = minimum;
        _published = published < minimum ? minimum : published;
    }

    /// <summary>The oldest version a login may announce.</summary>
    public WaWebVersion Minimum
    {
        get
        {
            lock (_gate)
            {
                return _minimum;
            }
        }
    }

    /// <summary>The version WhatsApp Web publishes now (never older than <see cref="Minimum"/>).</summary>
    public WaWebVersion Published
    {
        get
        {
            lock (_gate)
            {
                return _published;
            }
        }
    }

    /// <summary>
    /// Sets either or both (null keeps one); the published version follows a minimum raised above it. Returns both.
    /// </summary>
    public (WaWebVersion Minimum, WaWebVersion Published) Set(WaWebVersion? minimum, WaWebVersion? published)
    {
        lock (_gate)
        {
            _minimum = minimum ?? _minimum;
            _published = published ?? _published;
            if (_published < _minimum)
            {
                _published = _minimum;
            }

            return (_minimum, _published);
        }
    }

    /// <summary>The version a client payload announces, or null when it carries no user agent version.</summary>
    public static WaWebVersion? Announced(ClientPayload payload) =>
        payload?.UserAgent?.AppVersion is { } version ? new WaWebVersion(version.Primary, version.Secondary, version.Tertiary) : null;

    /// <summary>
    /// Why <paramref name="payload"/>'s version is refused, or null when it is accepted (a payload without a version is
    /// refused too: the server cannot tell its age).
    /// </summary>
    public string? Refusal(ClientPayload payload)
    {
        var minimum = Minimum;
        return Announced(payload) switch
        {
            null => $"the client payload announces no version (minimum {minimum})",
            { } announced when announced < minimum => $"version {announced} is below the minimum {minimum}",
            _ => null,
        };
    }

    /// <summary>
    /// WhatsApp Web's service worker script as far as clients read it: its build number in <c>"client_revision":N</c>,
    /// inside an escaped JSON string as on web.whatsapp.com/sw.js (Baileys' <c>fetchLatestWaWebVersion</c> and whatsmeow's
    /// <c>GetLatestVersion</c> both find it there).
    /// </summary>
    public string ServiceWorker()
    {
        var revision = Published.Tertiary.ToString(CultureInfo.InvariantCulture);
        return "/*FB_PKG_DELIM*/\n" +
               "self.__swData=JSON.parse(/*BTDS*/\"{\\\"dynamic_data\\\":{\\\"SiteData\\\":{\\\"server_revision\\\":" + revision +
               ",\\\"client_revision\\\":" + revision + ",\\\"push_phase\\\":\\\"C3\\\"}}}\");\n" +
               "importScripts(\"/sandbox-sw-main.js\");\n";
    }
}
