using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Proto;
using WaEngine.Sandbox.Noise;

namespace WaEngine.Sandbox.Tests.Noise;

public class NoiseServerFuzzTests
{
    [Fact]
    public void Random_and_mutated_handshake_messages_only_raise_handshake_exceptions()
    {
        var random = new Random(7_2026);
        var authority = NoiseCertificateAuthority.CreateRandom();
        var serverStatic = Curve25519.GenerateKeyPair();
        var chain = authority.IssueChain(serverStatic.PublicKey);
        var clientEphemeral = Curve25519.GenerateKeyPair();
        var validHello = new HandshakeMessage
        {
            ClientHello = new HandshakeMessage.Types.ClientHello { Ephemeral = ByteString.CopyFrom(clientEphemeral.PublicKey) },
        }.ToByteArray();

        var client = new NoiseClientHandshake(Curve25519.GenerateKeyPair(), new NoiseCertificateVerifier(authority.RootPublicKey), clientEphemeral);
        var serverForFinish = new NoiseServerHandshake(serverStatic, chain);
        serverForFinish.ReadClientHello(client.CreateClientHello());
        client.ReadServerHello(serverForFinish.CreateServerHello());
        var validFinish = client.CreateClientFinish(new byte[40]);

        var accepted = 0;
        var refused = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var mutateFinish = i % 10 == 9;
            var input = i % 3 == 0 ? RandomBytes(random) : Mutate(mutateFinish ? validFinish : validHello, random);
            try
            {
                if (mutateFinish)
                {
                    var server = new NoiseServerHandshake(serverStatic, chain, Curve25519.KeyPairFromPrivate(new byte[32]));
                    server.ReadClientHello(validHello);
                    server.CreateServerHello();
                    server.ReadClientFinish(input);
                }
                else
                {
                    new NoiseServerHandshake(serverStatic, chain, serverStatic).ReadClientHello(input);
                }

                accepted++;
            }
            catch (NoiseHandshakeException)
            {
                refused++;
            }
        }

        Assert.True(refused > 50_000, $"refused {refused}");
        Assert.True(accepted > 0, "some mutations only touch bytes the parser may accept (e.g. the ephemeral key itself)");
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 120)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = (byte[])valid.Clone();
        switch (random.Next(3))
        {
            case 0:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1:
                return bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
            default:
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
        }
    }
}
