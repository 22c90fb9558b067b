using System.Buffers;
using BenchmarkDotNet.Attributes;
using WaEngine.Engine.Binary;

namespace WaEngine.Bench;

/// <summary>
/// Encode and decode of a message stanza and of an iq with 50 children (bench/binary-node.mjs times Baileys on the same
/// nodes). Encode returns a new array, as Baileys' encodeBinaryNode returns a new Buffer; the IntoBuffer variants write
/// into a reused buffer, the engine's send path, which Baileys has no counterpart for.
/// </summary>
[MemoryDiagnoser]
public class BinaryCodecBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private Node _message = null!;
    private Node _iq = null!;
    private byte[] _messageBytes = [];
    private byte[] _iqBytes = [];

    /// <summary>Builds the nodes and their encodings once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _message = BenchNodes.Message();
        _iq = BenchNodes.IqWith50Children();
        _messageBytes = BinaryEncoder.Encode(_message);
        _iqBytes = BinaryEncoder.Encode(_iq);
        Console.WriteLine($"// encoded lengths: message {_messageBytes.Length}, iq {_iqBytes.Length}");
    }

    /// <summary>Encodes the message into a new array.</summary>
    [Benchmark]
    public byte[] EncodeMessage() => BinaryEncoder.Encode(_message);

    /// <summary>Encodes the message into a reused buffer.</summary>
    [Benchmark]
    public int EncodeMessageIntoBuffer()
    {
        _output.ResetWrittenCount();
        BinaryEncoder.Encode(_message, _output);
        return _output.WrittenCount;
    }

    /// <summary>Decodes the message.</summary>
    [Benchmark]
    public Node DecodeMessage() => BinaryDecoder.Decode(_messageBytes);

    /// <summary>Encodes the iq into a new array.</summary>
    [Benchmark]
    public byte[] EncodeIq50() => BinaryEncoder.Encode(_iq);

    /// <summary>Encodes the iq into a reused buffer.</summary>
    [Benchmark]
    public int EncodeIq50IntoBuffer()
    {
        _output.ResetWrittenCount();
        BinaryEncoder.Encode(_iq, _output);
        return _output.WrittenCount;
    }

    /// <summary>Decodes the iq.</summary>
    [Benchmark]
    public Node DecodeIq50() => BinaryDecoder.Decode(_iqBytes);
}
