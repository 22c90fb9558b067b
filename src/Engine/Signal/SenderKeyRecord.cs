using Google.Protobuf;
using WaEngine.Proto;

namespace WaEngine.Engine.Signal;

/// <summary>The sender-key states of one sender in one group (the newest last; at most five kept, as Baileys does).</summary>
public sealed class SenderKeyRecord
{
    /// <summary>Creates an empty record.</summary>
    public SenderKeyRecord()
        : this(new StoredSenderKeyRecord())
    {
    }

    internal SenderKeyRecord(StoredSenderKeyRecord stored)
    {
        Stored = stored;
    }

    /// <summary>True when no state is kept.</summary>
    public bool IsEmpty => Stored.States.Count == 0;

    /// <summary>How many states are kept.</summary>
    public int StateCount => Stored.States.Count;

    internal StoredSenderKeyRecord Stored { get; }

    /// <summary>Reads a record written by <see cref="Serialize"/>.</summary>
    public static SenderKeyRecord Parse(ReadOnlySpan<byte> data) =>
        new(WhisperMessageCodec.Parse(StoredSenderKeyRecord.Parser, data, "Stored sender key record", null));

    /// <summary>The record's storage bytes.</summary>
    public byte[] Serialize() => Stored.ToByteArray();

    internal StoredSenderKeyState? Newest => Stored.States.Count == 0 ? null : Stored.States[^1];

    internal StoredSenderKeyState? Find(uint keyId)
    {
        foreach (var state in Stored.States)
        {
            if (state.KeyId == keyId)
            {
                return state;
            }
        }

        return null;
    }

    internal void Add(StoredSenderKeyState state)
    {
        Stored.States.Add(state);
        while (Stored.States.Count > SignalLimits.MaxSenderKeyStates)
        {
            Stored.States.RemoveAt(0);
        }
    }
}
