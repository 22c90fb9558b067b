namespace WaEngine.Engine.Messaging;

/// <summary>
/// A line's send pacing (opt-in): between two sends to different chats the queue waits at least <see cref="MinGap"/>
/// plus a random share of <see cref="Jitter"/>, so a line that writes to many people looks like a person typing to
/// them one after another. Sends to the same chat in a row are not spaced. Applied inside the durable queue, per line.
/// </summary>
public sealed record SendPacing
{
    /// <summary>The longest gap or jitter accepted: one hour.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    /// <summary>No pacing: the queue sends as fast as it can (the default).</summary>
    public static SendPacing Off { get; } = new();

    /// <summary>The least time between two sends to different chats.</summary>
    public TimeSpan MinGap { get; init; }

    /// <summary>Up to this much more, drawn at random for every gap.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>True when sends are spaced at all.</summary>
    public bool IsOn => MinGap > TimeSpan.Zero || Jitter > TimeSpan.Zero;
}
