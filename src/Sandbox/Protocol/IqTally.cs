using System.Collections.Concurrent;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// How many iqs each account's devices sent, by kind (<c>xmlns/type/first child</c>, e.g. <c>usync/get/usync</c> or
/// <c>encrypt/get/key</c>): what a client asks the server for to do some work, read by tests and bench/first through
/// <c>GET /sandbox/accounts/{phone}/iqs</c>. Counts only; nothing is refused here.
/// </summary>
public sealed class IqTally
{
    private readonly ConcurrentDictionary<(string Phone, string Kind), long> _counts = new();

    /// <summary>Counts one iq of <paramref name="kind"/> from a device of <paramref name="phone"/>.</summary>
    public void Count(string phone, string kind) => _counts.AddOrUpdate((phone, kind), 1, (_, n) => n + 1);

    /// <summary>The kind of an iq as counted: <c>xmlns/type/first child</c> (a missing part is empty).</summary>
    public static string KindOf(string? xmlns, string? type, string? firstChild) => $"{xmlns}/{type}/{firstChild}";

    /// <summary>The counts of <paramref name="phone"/>'s devices by kind, ordered by kind.</summary>
    public SortedDictionary<string, long> Of(string phone) =>
        new(_counts.Where(c => c.Key.Phone == phone).ToDictionary(c => c.Key.Kind, c => c.Value), StringComparer.Ordinal);
}
