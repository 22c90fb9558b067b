using Google.Protobuf;
using WaEngine.Engine.Crypto;
using WaEngine.Proto;

namespace WaEngine.Engine.Signal;

/// <summary>
/// Everything we keep about the sessions with one peer device: the current state and up to 40 previous ones,
/// which decrypt still tries (libsignal keeps closed sessions the same way). Stored as our own protobuf.
/// </summary>
public sealed class SessionRecord
{
    /// <summary>Creates an empty record.</summary>
    public SessionRecord()
        : this(new StoredSessionRecord())
    {
    }

    internal SessionRecord(StoredSessionRecord stored)
    {
        Stored = stored;
    }

    /// <summary>True when there is a current session to encrypt with.</summary>
    public bool HasCurrentSession => Stored.Current is not null;

    /// <summary>The 32-byte identity key of the peer in the current session, or null without one.</summary>
    public byte[]? RemoteIdentityKey =>
        Stored.Current is null ? null : SignalKey.StripPrefix(Stored.Current.RemoteIdentityKey.Span);

    /// <summary>How many previous states are kept.</summary>
    public int PreviousStateCount => Stored.Previous.Count;

    /// <summary>The peer's registration id in the current session (0 without one).</summary>
    public uint RemoteRegistrationId => Stored.Current?.RemoteRegistrationId ?? 0;

    internal StoredSessionRecord Stored { get; }

    /// <summary>Reads a record written by <see cref="Serialize"/>.</summary>
    /// <exception cref="SignalException">Kind <see cref="SignalErrorKind.InvalidMessage"/> when the bytes are not a record.</exception>
    public static SessionRecord Parse(ReadOnlySpan<byte> data) =>
        new(WhisperMessageCodec.Parse(StoredSessionRecord.Parser, data, "Stored session record", null));

    /// <summary>The record's storage bytes.</summary>
    public byte[] Serialize() => Stored.ToByteArray();

    /// <summary>A deep copy.</summary>
    public SessionRecord Clone() => new(Stored.Clone());

    /// <summary>Makes <paramref name="state"/> current, moving the old current state to the front of the previous ones.</summary>
    internal void Promote(StoredSessionState state)
    {
        if (Stored.Current is not null)
        {
            Stored.Previous.Insert(0, Stored.Current);
        }

        Stored.Current = state;
        while (Stored.Previous.Count > SignalLimits.MaxPreviousStates)
        {
            Stored.Previous.RemoveAt(Stored.Previous.Count - 1);
        }
    }

    /// <summary>The number of states (current first, then previous); index them with <see cref="StateAt"/>.</summary>
    internal int StateCount => (Stored.Current is null ? 0 : 1) + Stored.Previous.Count;

    internal StoredSessionState StateAt(int index) =>
        Stored.Current is null ? Stored.Previous[index] : index == 0 ? Stored.Current : Stored.Previous[index - 1];

    /// <summary>
    /// Puts <paramref name="state"/> in place of the state at <paramref name="index"/> and makes it current (a previous
    /// state that just decrypted a message is the one the peer uses: libsignal-java and libsignal-rust promote it so).
    /// </summary>
    internal void PromoteStateAt(int index, StoredSessionState state)
    {
        if (Stored.Current is not null && index == 0)
        {
            Stored.Current = state;
            return;
        }

        Stored.Previous.RemoveAt(Stored.Current is null ? index : index - 1);
        Promote(state);
    }

    internal void ReplaceStateAt(int index, StoredSessionState state)
    {
        if (Stored.Current is not null && index == 0)
        {
            Stored.Current = state;
        }
        else
        {
            Stored.Previous[Stored.Current is null ? index : index - 1] = state;
        }
    }
}
