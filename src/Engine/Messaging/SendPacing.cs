namespace WaEngine.Engine.Messaging;

/// <summary>
/// A line's send pacing (opt-in): between two sends to different chats the queue waits at least <see cref="MinGap"/>
/// plus a random share of <see cref="Jitter"/>, so a line that writes to many people looks like a person typing to
/// them one after another. Sends to the same chat in a row are not spaced. Optionally a text is preceded by typing
/// (<see cref="TypingPerChar"/>, capped at <see cref="TypingCap"/>), and first messages to new contacts are capped per
/// hour (<see cref="NewContactsPerHour"/>). Applied inside the durable queue, per line.
/// </summary>
public sealed record SendPacing
{
    /// <summary>The longest gap or jitter accepted: one hour.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    /// <summary>The longest typing per character accepted: one second.</summary>
    public static readonly TimeSpan LongestTypingPerChar = TimeSpan.FromSeconds(1);

    /// <summary>The longest typing before one text accepted: one minute.</summary>
    public static readonly TimeSpan LongestTyping = TimeSpan.FromMinutes(1);

    /// <summary>The typing cap when none is given: ten seconds.</summary>
    public static readonly TimeSpan DefaultTypingCap = TimeSpan.FromSeconds(10);

    /// <summary>The most first messages to new contacts per hour accepted as a cap.</summary>
    public const int MostNewContactsPerHour = 10_000;

    /// <summary>The window the new-contact cap counts in.</summary>
    public static readonly TimeSpan NewContactWindow = TimeSpan.FromHours(1);

    /// <summary>No pacing: the queue sends as fast as it can (the default).</summary>
    public static SendPacing Off { get; } = new();

    /// <summary>The least time between two sends to different chats.</summary>
    public TimeSpan MinGap { get; init; }

    /// <summary>Up to this much more, drawn at random for every gap.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>Typing (composing) before a text, per character of the text; zero: no typing.</summary>
    public TimeSpan TypingPerChar { get; init; }

    /// <summary>The longest typing before one text.</summary>
    public TimeSpan TypingCap { get; init; } = DefaultTypingCap;

    /// <summary>The most first messages to new contacts (chats with no earlier message) written per hour; zero: no cap.</summary>
    public int NewContactsPerHour { get; init; }

    /// <summary>True when sends are spaced at all.</summary>
    public bool IsOn => MinGap > TimeSpan.Zero || Jitter > TimeSpan.Zero || Types || NewContactsPerHour > 0;

    /// <summary>True when texts are preceded by typing.</summary>
    public bool Types => TypingPerChar > TimeSpan.Zero && TypingCap > TimeSpan.Zero;

    /// <summary>How long the line types before the message <paramref name="message"/> (zero for anything but a text).</summary>
    public TimeSpan TypingBefore(MessageRecord message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Types || message.Type != "text" || string.IsNullOrEmpty(message.Body))
        {
            return TimeSpan.Zero;
        }

        var typing = TypingPerChar * message.Body.Length;
        return typing < TypingCap ? typing : TypingCap;
    }
}
