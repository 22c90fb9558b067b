using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>
/// What a virtual phone of the sandbox received and decrypted, read through the sandbox's control API
/// (<c>GET /sandbox/accounts/{phone}/messages</c>): the driver waits there for its texts, as the same check does for
/// Baileys. Polling loads the sandbox's process only, never the measured one.
/// </summary>
internal sealed class PeerInbox(HttpClient sandbox, string phone)
{
    /// <summary>Waits until every id in <paramref name="ids"/> arrived, or <paramref name="limit"/> passed; returns how many did.</summary>
    public async Task<int> WaitForAsync(IReadOnlyCollection<string> ids, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var received = (await sandbox.GetFromJsonAsync<JsonArray>($"/sandbox/accounts/{phone}/messages"))!
                .Select(m => m!["msg_id"]!.GetValue<string>())
                .ToHashSet(StringComparer.Ordinal);
            var arrived = ids.Count(received.Contains);
            if (arrived == ids.Count || DateTime.UtcNow > until)
            {
                return arrived;
            }

            await Task.Delay(200);
        }
    }
}
