using WaEngine.Engine.Session;

namespace WaEngine.Engine.Events;

/// <summary>
/// Fires after the line read the account's whole group list from the server into its store: at the first login after
/// pairing, and when the server marked the groups dirty (no webhook: a snapshot, not a change).
/// </summary>
/// <param name="LineId">The line.</param>
/// <param name="At">When the list was stored.</param>
/// <param name="GroupJids">Every group the server listed.</param>
/// <param name="DirtyCleaned">The server had marked the groups dirty and the line cleaned the mark after storing the list.</param>
public sealed record GroupsSynced(LineId LineId, DateTimeOffset At, IReadOnlyList<string> GroupJids, bool DirtyCleaned) : LineEvent(LineId, At);
