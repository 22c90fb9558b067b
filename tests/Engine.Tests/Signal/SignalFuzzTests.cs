using System.Text;
using WaEngine.Engine.Signal;

namespace WaEngine.Engine.Tests.Signal;

/// <summary>Random and mutated bytes must end in a typed <see cref="SignalException"/>, never another exception.</summary>
public sealed class SignalFuzzTests
{
    private const string Group = "fuzz@g.us";

    [Fact]
    public async Task MutatedAndRandomInputsFailWithTypedErrors()
    {
        var random = new Random(7);
        var alice = new SignalParty("alice");
        var bob = new SignalParty("bob");
        await alice.StartSessionAsync(bob);
        var preKey = await alice.EncryptAsync(bob, Encoding.UTF8.GetBytes("pk"));
        await bob.DecryptAsync(alice, preKey);
        var reply = await bob.EncryptAsync(alice, Encoding.UTF8.GetBytes("reply"));
        await alice.GroupDistributionAsync(Group);
        var skdm = await alice.GroupDistributionAsync(Group);
        await bob.GroupProcessAsync(Group, alice.Address, skdm);
        var group = await alice.GroupEncryptAsync(Group, Encoding.UTF8.GetBytes("group"));

        var samples = new List<(SignalMessageType Type, byte[] Bytes)>
        {
            (SignalMessageType.PreKey, preKey.Ciphertext),
            (SignalMessageType.Whisper, reply.Ciphertext),
            (SignalMessageType.SenderKey, group),
        };
        for (var round = 0; round < 600; round++)
        {
            var (type, original) = samples[round % samples.Count];
            var bytes = Mutate(random, original);
            var error = await Record.ExceptionAsync(() => type switch
            {
                SignalMessageType.SenderKey => bob.Groups.DecryptAsync(new SenderKeyName(Group, alice.Address), bytes, default),
                SignalMessageType.PreKey => bob.Sessions.DecryptAsync(alice.Address, type, bytes, default),
                _ => alice.Sessions.DecryptAsync(bob.Address, type, bytes, default),
            });
            Assert.True(error is null or SignalException, $"round {round}: {error}");
        }

        for (var round = 0; round < 200; round++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            var skdmError = await Record.ExceptionAsync(() => bob.Groups.ProcessDistributionMessageAsync(new SenderKeyName(Group, alice.Address), bytes, default));
            Assert.True(skdmError is null or SignalException, $"skdm round {round}: {skdmError}");
            var recordError = Record.Exception(() => SessionRecord.Parse(bytes));
            Assert.True(recordError is null or SignalException, $"record round {round}: {recordError}");
        }
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        switch (random.Next(4))
        {
            case 0:
                var flipped = (byte[])original.Clone();
                flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 1:
                return original.AsSpan(0, random.Next(original.Length)).ToArray();
            case 2:
                var extended = new byte[original.Length + random.Next(1, 8)];
                original.CopyTo(extended, 0);
                return extended;
            default:
                var noise = (byte[])original.Clone();
                random.NextBytes(noise.AsSpan(1 + random.Next(noise.Length - 1)));
                return noise;
        }
    }
}
