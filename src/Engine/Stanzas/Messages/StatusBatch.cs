using WaEngine.Engine.Binary;
using WaEngine.Engine.Messaging;
using WaEngine.Engine.Session;

namespace WaEngine.Engine.Stanzas.Messages;

/// <summary>
/// The status moves of our messages that the line's loop gathers between two writes to the store: <c>sent</c> after a
/// write, <c>server_ack</c> from the server's acks, <c>delivered</c>/<c>read</c> from receipts. They are stored in one
/// transaction, in the order they happened, when the loop has nothing else waiting in its mailbox, when
/// <see cref="Limit"/> have gathered, or when the send queue needs its writes stored (<see cref="FlushAsync"/>).
/// The acks of the receipts behind them wait here too and are written only after the commit: a line that dies before
/// has not acked them, so the server delivers those receipts again and no status is lost. Loop only.
/// </summary>
internal sealed class StatusBatch(StatusPublisher statuses)
{
    /// <summary>Moves gathered at most before they are stored, whatever else waits in the mailbox.</summary>
    public const int Limit = 64;

    private readonly List<StatusUpdate> _updates = [];
    private readonly List<(int Generation, Node Ack)> _acks = [];

    /// <summary>True when something waits to be stored or acked.</summary>
    public bool Pending => _updates.Count > 0 || _acks.Count > 0;

    /// <summary>True when the batch should be stored now, whatever else waits.</summary>
    public bool Full => _updates.Count + _acks.Count >= Limit;

    /// <summary>Adds a status move (its chat may be empty: the store knows it).</summary>
    public void Add(StatusUpdate update) => _updates.Add(update);

    /// <summary>Adds the ack of a receipt, written on connection <paramref name="generation"/> once the batch is stored.</summary>
    public void AckAfterCommit(int generation, Node ack) => _acks.Add((generation, ack));

    /// <summary>Moves kept at most while the store keeps refusing them (a full disk); the oldest go first beyond it.</summary>
    public const int RetainLimit = 16_384;

    /// <summary>
    /// Stores the gathered moves in one transaction and publishes each that changed something, then writes the receipts'
    /// acks when their connection is still the line's. Should the store refuse (a full disk), the moves stay for the next
    /// flush — a server ack is never sent again, so its move must not be lost — and the acks are not written: the line
    /// reconnects and the server replays the receipts, as it replays any stanza left unacked (SERVER-RULES R6). Acks of
    /// an earlier connection are never written on a later one: Baileys acks on the socket the stanza came on, and the
    /// replayed copy is acked on the new one.
    /// </summary>
    public async Task FlushAsync(LineContext context)
    {
        if (_updates.Count > 0)
        {
            var updates = _updates.ToArray();
            try
            {
                await statuses.AdvanceAsync(updates, context.Lifetime).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (_updates.Count > RetainLimit)
                {
                    _updates.RemoveRange(0, _updates.Count - RetainLimit);
                }

                throw;
            }

            _updates.RemoveRange(0, updates.Length);
        }

        if (_acks.Count > 0)
        {
            var acks = _acks.ToArray();
            _acks.Clear();
            if (context.Connection is { } connection)
            {
                foreach (var (generation, ack) in acks)
                {
                    if (!context.Link.IsCurrent(generation))
                    {
                        continue;
                    }

                    try
                    {
                        await connection.SendAsync(ack, context.Lifetime).ConfigureAwait(false);
                    }
                    catch (System.Threading.Channels.ChannelClosedException)
                    {
                        // The connection is closing: the server sends the receipts again on the next one.
                        return;
                    }
                }
            }
        }
    }
}
