using WaEngine.Engine.Session;
namespace WaEngine.Engine.Events;

/// <summary>Something a session actor publishes to its subscribers (API, webhooks, dashboard).</summary>
/// <param name="LineId">The line the event is about.</param>
/// <param name="At">When it happened (the actor's TimeProvider).</param>
public abstract record LineEvent(LineId LineId, DateTimeOffset At);
