namespace WaEngine.Engine.Stanzas.Presence;

/// <summary>What the line shows a chat it is typing in (a <c>&lt;chatstate&gt;</c>).</summary>
public enum ChatState
{
    /// <summary>Typing a text: <c>&lt;composing/&gt;</c>.</summary>
    Composing,

    /// <summary>Recording a voice note: <c>&lt;composing media="audio"/&gt;</c>.</summary>
    Recording,

    /// <summary>Stopped typing: <c>&lt;paused/&gt;</c>.</summary>
    Paused,
}
