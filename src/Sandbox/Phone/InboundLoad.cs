using System.Diagnostics;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Phone;

/// <summary>
/// Virtual phones sending texts at a fixed rate, for bench/inbound: message k of the run is due at start + k / rate and
/// goes from pair k mod P's phone to that pair's account. Every text is encrypted before the clock starts (real Signal
/// messages, the ratchet stepping once per message in sending order: <see cref="VirtualPhones.PrepareTextsAsync"/>), so
/// the timed part only routes stanzas through the server, each started on time whether or not earlier ones have
/// finished; the recipient's own phone takes its copy after the ack, as it takes a companion's. Each send is timed when
/// the server has handed the stanza to the recipient's connections (Unix microseconds), so a receiver can measure the
/// latency from there. How late the sandbox was is reported: the latest start after its due time, and the latest
/// routing (due time to handed over).
/// </summary>
public sealed class InboundLoad(VirtualPhones phones)
{
    /// <summary>One message of the run: its id, recipient, when it was routed (Unix µs), or why it failed.</summary>
    public sealed record Sent(string MsgId, string To, long RoutedAtMicros, string? Error);

    /// <summary>
    /// What a run did: the messages, the latest any send started and was routed after its due time (ms), how long
    /// encrypting took (ms), and the sandbox process's CPU time (user + system, as the OS counts it) over the timed part.
    /// </summary>
    public sealed record Run(IReadOnlyList<Sent> Messages, double LatestStartMs, double LatestRoutedMs, double PrepareMs, double CpuMs);

    /// <summary>Sends <paramref name="count"/> texts over <paramref name="pairs"/> at <paramref name="rate"/> per second.</summary>
    public async Task<Run> RunAsync(IReadOnlyList<(SandboxAccount From, SandboxAccount To)> pairs, double rate, int count, CancellationToken cancellationToken)
    {
        var preparing = Stopwatch.StartNew();
        var perPair = await Task.WhenAll(pairs.Select((pair, p) => PrepareAsync(pair.From, pair.To, p, pairs.Count, count, cancellationToken))).ConfigureAwait(false);
        var prepareMs = Math.Round(preparing.Elapsed.TotalMilliseconds, 1);

        var sends = new Task<(Sent Message, double LateMs)>[count];
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var latest = 0.0;
        for (var k = 0; k < count; k++)
        {
            var due = TimeSpan.FromSeconds(k / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            latest = Math.Max(latest, (clock.Elapsed - due).TotalMilliseconds);
            sends[k] = RouteOneAsync(perPair[k % pairs.Count][k / pairs.Count], clock, due, cancellationToken);
        }

        var sent = await Task.WhenAll(sends).ConfigureAwait(false);
        var cpuMs = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds, 1);
        return new Run([.. sent.Select(s => s.Message)], Math.Round(latest, 1), Math.Round(sent.Max(s => s.LateMs), 1), prepareMs, cpuMs);
    }

    private Task<IReadOnlyList<VirtualPhones.PreparedText>> PrepareAsync(SandboxAccount from, SandboxAccount to, int pair, int pairs, int count, CancellationToken cancellationToken)
    {
        var texts = new List<Message>();
        for (var k = pair; k < count; k += pairs)
        {
            texts.Add(new Message { Conversation = $"load {k} from {from.Phone}: the quick brown fox jumps over the lazy dog" });
        }

        return phones.PrepareTextsAsync(from, to, texts, cancellationToken);
    }

    private async Task<(Sent Message, double LateMs)> RouteOneAsync(VirtualPhones.PreparedText text, Stopwatch clock, TimeSpan due, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await phones.RoutePreparedAsync(text, cancellationToken).ConfigureAwait(false);
            var routed = DateTimeOffset.UtcNow.Ticks / 10 - DateTimeOffset.UnixEpoch.Ticks / 10;
            return (new Sent(text.Id, text.To.Jid, routed, null), (clock.Elapsed - due).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return (new Sent("", text.To.Jid, 0, ex.Message), 0);
        }
    }
}
