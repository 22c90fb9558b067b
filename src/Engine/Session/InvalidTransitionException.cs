namespace WaEngine.Engine.Session;

/// <summary>A command or event asked a line to move between two statuses that do not connect (e.g. logout while stopped).</summary>
public sealed class InvalidTransitionException : WaEngineException
{
    /// <summary>Creates the exception for a refused move.</summary>
    public InvalidTransitionException(LineStatus from, LineStatus to, string reason)
        : base($"A line cannot go from {from.ToName()} to {to.ToName()} (asked because: {reason}).")
    {
        From = from;
        To = to;
    }

    /// <summary>The status the line is in.</summary>
    public LineStatus From { get; }

    /// <summary>The status that was asked for.</summary>
    public LineStatus To { get; }
}
