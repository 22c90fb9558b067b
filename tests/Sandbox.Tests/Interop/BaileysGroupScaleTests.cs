using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using WaEngine.Sandbox.Rules;
using WaEngine.TestKit;
using Xunit.Abstractions;

namespace WaEngine.Sandbox.Tests.Interop;

/// <summary>A 200-member group of virtual phones gets one message from Baileys: every phone decrypts it.</summary>
public class BaileysGroupScaleTests(ITestOutputHelper output)
{
    private const int Members = 200;

    [Fact]
    public async Task A_200_member_group_of_phones_receives_one_baileys_message()
    {
        using var data = new TempFolder();
        await using var sandbox = await RunningSandbox.StartAsync(data.Path);
        var caFile = Path.Combine(data.Path, "ca.pem");
        await File.WriteAllTextAsync(caFile, (await sandbox.GetJsonAsync("/sandbox/info"))["media_ca_pem"]!.GetValue<string>());
        var phones = Enumerable.Range(0, Members).Select(i => (15550100000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var phone in phones)
        {
            await sandbox.CreateAccountAsync(phone);
        }

        await using var alice = await BaileysPeer.StartPairedAsync(sandbox, caFile, phones[0]);
        var created = await alice.CreateGroupAsync("Two hundred", [.. phones.Skip(1).Select(p => p + "@s.whatsapp.net")]);
        var jid = created["metadata"]!["id"]!.GetValue<string>();
        Assert.Equal(Members, created["metadata"]!["participants"]!.AsArray().Count);

        var clock = Stopwatch.StartNew();
        var id = (await alice.SendTextAsync(jid, "to all two hundred"))["id"]!.GetValue<string>();
        var relayed = clock.Elapsed;
        var ack = await alice.WaitAsync("raw-ack", match: new JsonObject { ["id"] = id });
        var acked = clock.Elapsed;

        // Each phone (one device each) got one stanza; the sender's own phone, a participant too, gets it as well.
        var missing = new List<string>(phones);
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (missing.Count > 0 && DateTimeOffset.UtcNow < deadline)
        {
            var still = new List<string>();
            foreach (var phone in missing)
            {
                var inbox = (await sandbox.GetJsonAsync($"/sandbox/accounts/{phone}/messages")).AsArray();
                if (!inbox.Any(m => m!["msg_id"]!.GetValue<string>() == id && m["body"]!.GetValue<string>() == "to all two hundred"))
                {
                    still.Add(phone);
                }
            }

            missing = still;
            if (missing.Count > 0)
            {
                await Task.Delay(200);
            }
        }

        Assert.Empty(missing);
        Assert.Null(ack["ackError"]?.GetValue<string>());
        output.WriteLine($"{Members}-member group: Baileys' one stanza ({Members - 1} SKDM parts) written after {relayed.TotalMilliseconds:0} ms, acked after {acked.TotalMilliseconds:0} ms; " +
            $"{Members} <message> stanzas fanned out; all decrypted after {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(0, sandbox.Runtime.Rules.BreachCount(ServerRule.R6));
    }
}
