using WaEngine.Engine.Binary;
using WaEngine.Engine.Events;
using WaEngine.Engine.Storage;

namespace WaEngine.Engine.Session;

/// <summary>
/// What handling a stanza (or a step's result) comes to: nodes to send back, credentials to adopt, at most one
/// lifecycle decision, events, background work to track and mail to deliver later. Only the actor applies it, in that order.
/// </summary>
internal sealed record StanzaOutcome
{
    /// <summary>Nothing to do.</summary>
    public static StanzaOutcome None { get; } = new();

    /// <summary>Nodes to write to the current connection, in order.</summary>
    public IReadOnlyList<Node> Replies { get; init; } = [];

    /// <summary>Credentials the handler changed (and already saved), to become the line's.</summary>
    public DeviceCredentials? Credentials { get; init; }

    /// <summary>A lifecycle move, or null.</summary>
    public LineDecision? Decision { get; init; }

    /// <summary>Events to publish once the decision is applied (a QR after the move to scan_qr).</summary>
    public IReadOnlyList<LineEvent> Events { get; init; } = [];

    /// <summary>Steps to run off the loop.</summary>
    public IReadOnlyList<BackgroundWork> Work { get; init; } = [];

    /// <summary>Mail the actor delivers to itself after a delay (one timer per <see cref="ScheduledMail.Slot"/>, replaced when set again).</summary>
    public ScheduledMail? Timer { get; init; }

    /// <summary>Run last, once everything else is applied (completing a caller's wait).</summary>
    public Action? Completed { get; init; }

    /// <summary>Just these replies.</summary>
    public static StanzaOutcome Reply(params Node[] replies) => new() { Replies = replies };

    /// <summary>Just this decision.</summary>
    public static StanzaOutcome Decide(LineDecision decision) => new() { Decision = decision };

    /// <summary>Just this work.</summary>
    public static StanzaOutcome Run(string step, Func<LineMailbox, CancellationToken, Task> work) => new() { Work = [new BackgroundWork(step, work)] };
}

/// <summary>Mail to deliver after <paramref name="Delay"/>; a new one in the same <paramref name="Slot"/> replaces it.</summary>
internal sealed record ScheduledMail(string Slot, TimeSpan Delay, LineMail Mail);
