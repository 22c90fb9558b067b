using System.Security.Cryptography;
using Google.Protobuf;
using WaEngine.Engine.Binary;
using WaEngine.Engine.Storage;
using WaEngine.Engine.Stanzas.Messages;
using WaEngine.Proto;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Protocol;

namespace WaEngine.Sandbox.Phone;

/// <summary>
/// A phone's texts encrypted ahead of their sending, for bench/inbound's fixed-rate load (<see cref="InboundLoad"/>):
/// each one a real Signal message for every device of the recipient (and the sender's companions), the ratchet stepping
/// once per message in the order they will be sent, the steps committed to the phone's store once per
/// <see cref="CommitEvery"/> messages instead of once per message and device. Encrypting on the clock was what made the
/// load fall behind its schedule: a phone encrypts one message at a time, two devices each, with a commit after each.
/// </summary>
public sealed partial class VirtualPhones
{
    /// <summary>How many prepared messages share one commit of the phone's Signal store.</summary>
    public const int CommitEvery = 256;

    /// <summary>A text ready to be routed: its id and its stanza, as <see cref="SendAsync"/> would have sent it.</summary>
    public sealed record PreparedText(SandboxAccount From, SandboxAccount To, string Id, Message Message, Node Stanza);

    /// <summary>
    /// Encrypts <paramref name="messages"/> from <paramref name="from"/> to <paramref name="to"/>, in order, holding the
    /// phone's lock; they must be routed in the same order (<see cref="RoutePreparedAsync"/>), and the phone must send
    /// nothing else to that account meanwhile, or the recipient sees its chain step out of order.
    /// </summary>
    public async Task<IReadOnlyList<PreparedText>> PrepareTextsAsync(
        SandboxAccount from, SandboxAccount to, IReadOnlyList<Message> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(messages);
        var prepared = new List<PreparedText>(messages.Count);
        var gate = Gate(from.Phone);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var store = await StoreAsync(from.Phone, cancellationToken).ConfigureAwait(false);
            var staged = new StagedSignalStore(store);
            var companions = from.Devices.Where(d => d.DeviceId != 0 && !d.IsHosted).ToList();
            foreach (var message in messages)
            {
                var plain = message.ToByteArray();
                var participants = new List<Node>(to.Devices.Count + companions.Count);
                foreach (var device in to.Devices)
                {
                    participants.Add(await EncryptForAsync(from, to, device.DeviceId, plain, staged, cancellationToken).ConfigureAwait(false));
                }

                if (companions.Count > 0)
                {
                    var sent = new Message { DeviceSentMessage = new Message.Types.DeviceSentMessage { DestinationJid = to.Jid, Message = message } }.ToByteArray();
                    foreach (var device in companions)
                    {
                        participants.Add(await EncryptForAsync(from, from, device.DeviceId, sent, staged, cancellationToken).ConfigureAwait(false));
                    }
                }

                var id = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
                var stanza = new Node("message", NodeAttributes.Of(("to", to.Jid), ("id", id), ("type", "text")), [
                    new Node("participants", null, participants),
                    new Node("cstoken", null, _network.PrivacyTokens.CsToken(from, to)),
                ]);
                prepared.Add(new PreparedText(from, to, id, message, stanza));
                if (prepared.Count % CommitEvery == 0)
                {
                    await store.CommitAsync(staged.Staged, cancellationToken).ConfigureAwait(false);
                    staged = new StagedSignalStore(store);
                }
            }

            await store.CommitAsync(staged.Staged, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }

        return prepared;
    }

    /// <summary>
    /// Routes a prepared text as the phone's send, the recipient's own phone taking its copy after the ack on its own
    /// time (as it takes a companion's message): the server's rules apply to it as to any other message.
    /// </summary>
    public async Task RoutePreparedAsync(PreparedText text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        Remember(text.From.Phone, text.Id, new SentMessage(text.To.Jid, text.Message, "text", [], _time.GetUtcNow().ToUnixTimeSeconds()));
        await _network.SendFromPhoneAsync(new ConnectedDevice(text.From, 0), text.Stanza, cancellationToken).ConfigureAwait(false);
    }
}
