using System.Security.Cryptography;
using System.Text;
using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The participant hash (<c>phash</c>) of a 1:1 message: which devices of the two accounts it was meant for. The server
/// puts its own on the message ack; a different one means our cached device lists are stale (SERVER-RULES R16).
/// Version 2, as whatsmeow computes it: <c>2:</c> and the unpadded base64 of the first six bytes of SHA-256 over the
/// sorted device JIDs in <c>user.agent:device@server</c> form, concatenated.
/// </summary>
public static class ParticipantHash
{
    /// <summary>The hash of <paramref name="devices"/> (bare users count as device 0).</summary>
    public static string Of(IEnumerable<Jid> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var forms = devices.Select(d => $"{d.User}.0:{d.Device ?? 0}@{d.Server}").Distinct(StringComparer.Ordinal).ToList();
        forms.Sort(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(forms)));
        return "2:" + Convert.ToBase64String(hash, 0, 6).TrimEnd('=');
    }
}
