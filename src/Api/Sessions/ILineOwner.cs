using WaEngine.Engine.Session;

namespace WaEngine.Api.Sessions;

/// <summary>
/// The lines this node owns. A line is owned by exactly one node at a time, and there by one <see cref="LineActor"/>
/// over one open line database; only the owner creates, starts and closes that actor. The service as it ships runs one
/// node that owns every line (<see cref="LocalLineOwner"/>). This is the seam a cluster runtime takes over later (e.g.
/// Orleans, one grain per line): it places each line on one node, calls <see cref="OpenAsync"/> there when it activates
/// the line and <see cref="CloseAsync"/> when it deactivates or moves it, and routes the API's calls for the line to
/// that node. Nothing else in the service keeps a line's actor.
/// </summary>
public interface ILineOwner : IAsyncDisposable
{
    /// <summary>The lines this node holds open now.</summary>
    IReadOnlyCollection<LineId> Lines { get; }

    /// <summary>The lines this node holds open now whose actor is ready (those still opening are left out), without waiting.</summary>
    IReadOnlyCollection<(LineId Id, OwnedLine Line)> Opened { get; }

    /// <summary>The line, owned here from now on: its database opened and its actor created (stopped) when needed.</summary>
    Task<OwnedLine> OpenAsync(LineId lineId, CancellationToken cancellationToken);

    /// <summary>Opens each line and starts those that were running when their owner last stopped; returns how many it started.</summary>
    Task<int> RestoreAsync(IEnumerable<LineId> lineIds, CancellationToken cancellationToken);

    /// <summary>Stops owning the line: its actor is closed (connection closed, background steps awaited); its data stays.</summary>
    Task CloseAsync(LineId lineId);
}
