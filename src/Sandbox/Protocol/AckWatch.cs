using WaEngine.Engine.Binary;
using WaEngine.Engine.Stanzas;
using WaEngine.Sandbox.Rules;

namespace WaEngine.Sandbox.Protocol;

/// <summary>
/// Holds a logged-in device to SERVER-RULES R6 the way WhatsApp does: an ack lacking an attribute of the stanza it
/// acknowledges, or a stanza left unacked for longer than <paramref name="timeout"/>, ends the stream with
/// <c>&lt;stream:error&gt;&lt;ack id class/&gt;&lt;/stream:error&gt;</c> (the shape clients report: Chat-API #1262,
/// yowsup #692, whatsapp-rust PR #633) and is counted as R6. What stays unacked stays queued, so it is replayed at the
/// next login. A lenient sandbox only logs and counts.
/// </summary>
internal sealed partial class AckWatch(RuleBook rules, TimeSpan timeout, TimeProvider time, ILogger logger)
{
    /// <summary>Starts tracking what <paramref name="connection"/> is sent; call before anything is sent to the device.</summary>
    public static AckLedger Attach(ServerConnection connection, TimeProvider time)
    {
        var ledger = new AckLedger(time);
        connection.Acks = ledger;
        return ledger;
    }

    /// <summary>
    /// An ack from the device: true when it settles what it acknowledges (the caller then clears the queue), false when
    /// it was refused (the stream is being ended with the ack stream error).
    /// </summary>
    public async Task<bool> AcknowledgeAsync(ServerConnection connection, ConnectedDevice device, Node ack)
    {
        if (connection.Acks?.Acknowledge(ack) is not { } problem)
        {
            return true;
        }

        if (!rules.Breach(ServerRule.R6, device.Jid, problem))
        {
            return true;
        }

        await connection.CloseAsync(StreamError(ack.Attr("id"), ack.Attr("class"))).ConfigureAwait(false);
        return false;
    }

    /// <summary>Checks the device's ledger every quarter of the timeout until the connection ends.</summary>
    public async Task RunAsync(ServerConnection connection, ConnectedDevice device)
    {
        if (connection.Acks is not { } ledger)
        {
            return;
        }

        var period = timeout / 4;
        try
        {
            while (!connection.Closed.IsCancellationRequested)
            {
                await Task.Delay(period, time, connection.Closed).ConfigureAwait(false);
                if (ledger.Overdue(timeout) is not { } owed)
                {
                    continue;
                }

                if (rules.Breach(ServerRule.R6, device.Jid, $"{owed.Class} {owed.Id} unacked for longer than {timeout}"))
                {
                    await connection.CloseAsync(StreamError(owed.Id, owed.Class)).ConfigureAwait(false);
                    return;
                }

                ledger.Forget(owed);
            }
        }
        catch (OperationCanceledException)
        {
            LogWatchEnded(device.Jid, ledger.Count);
        }
    }

    private static Node StreamError(string? id, string? stanzaClass)
    {
        var attributes = new List<(string, string)>();
        if (id is not null)
        {
            attributes.Add(("id", id));
        }

        if (stanzaClass is not null)
        {
            attributes.Add(("class", stanzaClass));
        }

        return ServerConnection.StreamError(null, "ack", [.. attributes]);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sandbox device {Device}: connection ended with {Owed} stanza(s) unacked (they stay queued)")]
    private partial void LogWatchEnded(string device, int owed);
}
