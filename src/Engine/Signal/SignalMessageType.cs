namespace WaEngine.Engine.Signal;

/// <summary>The kind of Signal ciphertext, as the <c>type</c> attribute of an <c>&lt;enc&gt;</c> node names it.</summary>
public enum SignalMessageType
{
    /// <summary><c>msg</c>: a WhisperMessage on an established session.</summary>
    Whisper,

    /// <summary><c>pkmsg</c>: a PreKeyWhisperMessage that also sets up the session.</summary>
    PreKey,

    /// <summary><c>skmsg</c>: a group SenderKeyMessage.</summary>
    SenderKey,
}
