using System.Text;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Tests.Signal;

/// <summary>
/// A long conversation with libsignal: 1,000 messages with random senders, some held back and delivered a few steps
/// later in shuffled order, some dropped for good. Every delivered message must decrypt to what was sent.
/// </summary>
public sealed class LibSignalConversationTests
{
    private sealed record InFlight(bool FromUs, int Number, SignalMessageType Type, byte[] Ciphertext, int DueStep);

    [Fact]
    public async Task ThousandMessagesWithReorderingAndDrops()
    {
        var random = new Random(20240607);
        await using var peer = await LibSignalPeer.StartAsync();
        var us = new SignalParty("me");
        await us.StartSessionAsync(peer.Address, peer.Bundle);

        var held = new List<InFlight>();
        var delivered = 0;
        var dropped = 0;
        var heldCount = 0;
        var peerHasSession = false;
        for (var step = 0; step < 1000; step++)
        {
            var fromUs = !peerHasSession || random.Next(2) == 0;
            var text = $"{(fromUs ? "us" : "peer")} #{step}";
            InFlight message;
            if (fromUs)
            {
                var result = await us.EncryptAsync(peer.Address, Encoding.UTF8.GetBytes(text));
                message = new InFlight(true, step, result.Type, result.Ciphertext, 0);
            }
            else
            {
                var (type, bytes) = await peer.EncryptAsync(us.Address, Encoding.UTF8.GetBytes(text));
                message = new InFlight(false, step, type, bytes, 0);
            }

            var fate = random.NextDouble();
            if (!peerHasSession || fate < 0.70)
            {
                await DeliverAsync(message);
                peerHasSession = true;
                delivered++;
            }
            else if (fate < 0.90)
            {
                held.Add(message with { DueStep = step + random.Next(1, 6) });
                heldCount++;
            }
            else
            {
                dropped++;
            }

            var due = held.Where(h => h.DueStep <= step).OrderBy(_ => random.Next()).ToList();
            foreach (var late in due)
            {
                held.Remove(late);
                await DeliverAsync(late);
                delivered++;
            }
        }

        foreach (var late in held.OrderBy(_ => random.Next()).ToList())
        {
            await DeliverAsync(late);
            delivered++;
        }

        Assert.Equal(1000, delivered + dropped);
        Assert.True(heldCount > 100 && dropped > 50, $"held {heldCount}, dropped {dropped}");

        async Task DeliverAsync(InFlight message)
        {
            var expected = $"{(message.FromUs ? "us" : "peer")} #{message.Number}";
            var plaintext = message.FromUs
                ? await peer.DecryptAsync(us.Address, message.Type, message.Ciphertext)
                : await us.DecryptAsync(peer.Address, message.Type, message.Ciphertext);
            Assert.Equal(expected, Encoding.UTF8.GetString(plaintext));
        }
    }
}
