using System.Diagnostics;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;

namespace WaEngine.Sandbox.Phone;

/// <summary>
/// Virtual phones sending texts at a fixed rate, for bench/inbound: message k of the run is due at start + k / rate and
/// goes from pair k mod P's phone to that pair's account, each send started on time whether or not earlier ones have
/// finished (a phone encrypts one message at a time, as <see cref="VirtualPhones.SendAsync"/> orders them). Each send is
/// timed when the server has handed the stanza to the recipient's connections (Unix microseconds), so a receiver can
/// measure the latency from there. A late start (the sandbox's own process could not keep the pace) is reported.
/// </summary>
public sealed class InboundLoad(VirtualPhones phones)
{
    /// <summary>One message of the run: its id, recipient, when it was routed (Unix µs), or why it failed.</summary>
    public sealed record Sent(string MsgId, string To, long RoutedAtMicros, string? Error);

    /// <summary>What a run did: the messages, and the latest any send started after its due time (ms).</summary>
    public sealed record Run(IReadOnlyList<Sent> Messages, double LatestStartMs);

    /// <summary>Sends <paramref name="count"/> texts over <paramref name="pairs"/> at <paramref name="rate"/> per second.</summary>
    public async Task<Run> RunAsync(IReadOnlyList<(SandboxAccount From, SandboxAccount To)> pairs, double rate, int count, CancellationToken cancellationToken)
    {
        var sends = new Task<Sent>[count];
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
            var (from, to) = pairs[k % pairs.Count];
            sends[k] = SendOneAsync(from, to, k, cancellationToken);
        }

        return new Run(await Task.WhenAll(sends).ConfigureAwait(false), Math.Round(latest, 1));
    }

    private async Task<Sent> SendOneAsync(SandboxAccount from, SandboxAccount to, int k, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            var message = new Message { Conversation = $"load {k} from {from.Phone}: the quick brown fox jumps over the lazy dog" };
            var id = await phones.SendAsync(from, to, message, cancellationToken).ConfigureAwait(false);
            return new Sent(id, to.Jid, DateTimeOffset.UtcNow.Ticks / 10 - DateTimeOffset.UnixEpoch.Ticks / 10, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return new Sent("", to.Jid, 0, ex.Message);
        }
    }
}
