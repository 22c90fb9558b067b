using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using WaEngine.Engine.Events;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;
using WaEngine.Sandbox.Groups;
using WaEngine.Store;
using WaEngine.Store.Credentials;
using WaEngine.Store.Groups;
using WaEngine.Store.Journal;
using WaEngine.Store.Messages;
using WaEngine.Store.Signal;
using WaEngine.TestKit;

// The engine's fan-out into a big group, measured the way BaileysGroupScaleTests measures Baileys': an in-process strict
// sandbox with MEMBERS-1 virtual phones, one engine line (SQLite stores, as the service runs it) that pairs, creates a
// MEMBERS-member group with every phone and sends two texts into it. For each text: the time from the send call until
// the line wrote the stanza (status `sent`: plan, device lists, prekey bundles, encryption, write), until the server's
// ack, and until every phone (the line's own account's phone included) decrypted it; and the server's own count of
// sender-key (SKDM) parts in the stanza and of the stanzas it wrote to devices. Prints a markdown table.
//   dotnet GroupFanout.dll [MEMBERS (default 200)]
var members = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
if (members < 2)
{
    throw new ArgumentException("A group needs at least 2 members.");
}

void Say(string text) => Console.Error.WriteLine($"group-fanout: {text}");
using var folder = new TempFolder();
await using var sandbox = await RunningSandbox.StartAsync(Path.Combine(folder.Path, "sandbox"));
var (url, root) = await sandbox.InfoAsync();
const long LinePhone = 15550090000L;
var phones = Enumerable.Range(1, members - 1).Select(i => (LinePhone + i).ToString(CultureInfo.InvariantCulture)).ToList();
var line = LinePhone.ToString(CultureInfo.InvariantCulture);
Say($"creating {phones.Count + 1} accounts");
foreach (var phone in phones.Prepend(line))
{
    await sandbox.CreateAccountAsync(phone);
}

using var database = await LineDatabase.OpenAsync(Path.Combine(folder.Path, "line.db"), CancellationToken.None);
var options = new LineOptions { ServerUrl = url, TrustedRootKey = root };
await using var actor = new LineActor(new LineId(1), options, new SqliteCredentialStore(database), new SqliteSignalStore(database), new SqliteMessageStore(database),
    new SqliteStatusJournal(database), NullLogger<LineActor>.Instance, groups: new SqliteGroupStore(database));
var events = new EventLog(actor.Subscribe(16_384));
await actor.StartAsync(CancellationToken.None);
await sandbox.ScanAsync(line, (await events.WaitAsync<QrCodeIssued>(_ => true)).Qr);
await events.WaitAsync<StatusChanged>(e => e.Change.To == LineStatus.Connected);

Say($"creating the group with {members} members");
var (group, outcomes) = await actor.Groups!.CreateAsync("Fan-out", [.. phones.Select(p => p + "@s.whatsapp.net")], CancellationToken.None);
if (outcomes.Any(o => o.Status != "added") || group.Participants.Count != members)
{
    throw new InvalidOperationException($"The group has {group.Participants.Count} members, not {members}.");
}

var rows = new List<string>();
foreach (var label in new[] { "first (sender key to every device)", "second (skmsg only)" })
{
    Say($"sending the {label.Split(' ')[0]} message");
    var text = "to all " + members + ": " + label;
    var clock = Stopwatch.StartNew();
    var sent = await actor.SendMessageAsync(group.Jid, MessageBuilder.Text(text), CancellationToken.None);
    await events.WaitAsync<MessageStatusChanged>(e => e.MsgId == sent.MsgId && e.Status == MessageStatus.Sent);
    var written = clock.Elapsed;
    await events.WaitAsync<MessageStatusChanged>(e => e.MsgId == sent.MsgId && e.Status == MessageStatus.ServerAck);
    var acked = clock.Elapsed;
    var fanOut = sandbox.Runtime.Network.Groups!.FanOuts.Single(f => f.MsgId == sent.MsgId);
    await EveryPhoneDecryptedAsync([line, .. phones], sent.MsgId, text);
    var decrypted = clock.Elapsed;
    rows.Add(Row(label, fanOut, written, acked, decrypted));
}

var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg")).Split(' ')[0] : "?";
Console.WriteLine($"""
    | {members}-member group, engine line → virtual phones | SKDM parts in the stanza | stanzas the server wrote | built + written | server ack | all phones decrypted |
    |---|---|---|---|---|---|
    {string.Join(Environment.NewLine, rows)}

    {Environment.ProcessorCount} cores, load average {load} at the end, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC. The phones decrypt in order on the sandbox's one phone loop (the last column is mostly theirs).
    """);
Say($"breaches: {string.Join(", ", sandbox.Runtime.Rules.Breaches().Where(b => b.Value > 0).Select(b => $"{b.Key} ×{b.Value}"))}");

static string Row(string label, GroupFanOut fanOut, TimeSpan written, TimeSpan acked, TimeSpan decrypted) => string.Create(CultureInfo.InvariantCulture,
    $"| {label} | {fanOut.SenderKeyParts} | {fanOut.Stanzas} | {written.TotalSeconds:0.00} s | {acked.TotalSeconds:0.00} s | {decrypted.TotalSeconds:0.00} s |");

async Task EveryPhoneDecryptedAsync(IReadOnlyList<string> all, string msgId, string text)
{
    var missing = all.ToList();
    var deadline = Stopwatch.StartNew();
    while (missing.Count > 0)
    {
        if (deadline.Elapsed > TimeSpan.FromMinutes(5))
        {
            throw new TimeoutException($"{missing.Count} phones never decrypted {msgId}.");
        }

        await sandbox.Runtime.Network.Groups!.DrainPhonesAsync(CancellationToken.None);
        var still = new List<string>();
        foreach (var phone in missing)
        {
            if ((await sandbox.Runtime.Phones.FindMessageAsync(phone, msgId, CancellationToken.None))?.Conversation != text)
            {
                still.Add(phone);
            }
        }

        missing = still;
        if (missing.Count > 0)
        {
            await Task.Delay(50);
        }
    }
}

/// <summary>The line's events as they come, kept so a wait sees those published before it began.</summary>
internal sealed class EventLog(LineSubscription subscription)
{
    private readonly List<LineEvent> _seen = [];

    public async Task<T> WaitAsync<T>(Func<T, bool> match)
        where T : LineEvent
    {
        if (_seen.OfType<T>().FirstOrDefault(match) is { } earlier)
        {
            return earlier;
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (true)
        {
            LineEvent next;
            try
            {
                next = await subscription.Reader.ReadAsync(limit.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                throw new TimeoutException($"No {typeof(T).Name} came.", ex);
            }

            _seen.Add(next);
            if (next is T found && match(found))
            {
                return found;
            }
        }
    }
}
