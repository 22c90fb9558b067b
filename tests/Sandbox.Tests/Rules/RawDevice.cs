using WaEngine.Engine.Binary;
using WaEngine.Engine.Crypto;
using WaEngine.Engine.Noise;
using WaEngine.Engine.Stanzas;
using WaEngine.Engine.Stanzas.Connection;
using WaEngine.Sandbox.Tests.Protocol;
using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Rules;

/// <summary>
/// A companion device of an account that the test drives stanza by stanza (no engine behind it): registered with the
/// sandbox under a Noise key the test holds, logged in over the in-memory transport, so it can break a rule on purpose.
/// </summary>
internal sealed class RawDevice : IAsyncDisposable
{
    private readonly RunningSandbox _sandbox;
    private readonly KeyPair _noiseKey;
    private InMemoryClient? _client;

    private RawDevice(RunningSandbox sandbox, string phone, int deviceId, KeyPair noiseKey)
    {
        _sandbox = sandbox;
        Phone = phone;
        DeviceId = deviceId;
        _noiseKey = noiseKey;
    }

    public string Phone { get; }

    public int DeviceId { get; }

    public string Jid => $"{Phone}:{DeviceId}@s.whatsapp.net";

    private NoiseConnection Connection => (_client ?? throw new InvalidOperationException("Not logged in.")).Connection;

    /// <summary>Registers a new companion of <paramref name="phone"/> (the account must exist) under a fresh Noise key.</summary>
    public static async Task<RawDevice> RegisterAsync(RunningSandbox sandbox, string phone)
    {
        var (deviceId, keyIndex) = await sandbox.Runtime.Accounts.NextCompanionSlotAsync(phone, CancellationToken.None);
        var noiseKey = Curve25519.GenerateKeyPair();
        await sandbox.Runtime.Accounts.AddCompanionAsync(phone, deviceId, keyIndex, noiseKey.PublicKey, "raw-test", CancellationToken.None);
        return new RawDevice(sandbox, phone, deviceId, noiseKey);
    }

    /// <summary>Logs in, leaves passive mode and reads up to the end of the offline replay; returns the replayed stanzas.</summary>
    public async Task<IReadOnlyList<Node>> LoginAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
            await _client.Served;
        }

        _client = await InMemoryClient.ConnectAsync(_sandbox, InMemoryClient.LoginPayload(ulong.Parse(Phone, System.Globalization.CultureInfo.InvariantCulture), (uint)DeviceId), _noiseKey);
        Assert.Equal("success", (await ReceiveAsync()).Tag);
        await SendAsync(ConnectionStanzas.BuildPassiveActive("raw.1"));
        var replayed = new List<Node>();
        while (true)
        {
            var node = await ReceiveAsync();
            if (node.Tag == "ib" && node.Child("offline") is not null)
            {
                return replayed;
            }

            if (node.Tag != "iq")
            {
                replayed.Add(node);
            }
        }
    }

    public async Task<Node> ReceiveAsync() => BinaryDecoder.Decode(await Connection.ReceiveAsync(InMemoryClient.Timeout()));

    /// <summary>The next stanza of <paramref name="tag"/>, skipping others (pings, presence).</summary>
    public async Task<Node> ReceiveAsync(string tag)
    {
        while (true)
        {
            var node = await ReceiveAsync();
            if (node.Tag == tag)
            {
                return node;
            }
        }
    }

    public Task SendAsync(Node node) => Connection.SendAsync(BinaryEncoder.Encode(node), InMemoryClient.Timeout()).AsTask();

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }
}
