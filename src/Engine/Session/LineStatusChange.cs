namespace WaEngine.Engine.Session;

/// <summary>Published every time a line changes status, with why; the API, webhooks and dashboard subscribe to it.</summary>
/// <param name="From">The status before.</param>
/// <param name="To">The status now.</param>
/// <param name="Reason">A short machine-readable reason (e.g. <c>stream_error_515</c>, <c>qr_refs_ended</c>, <c>device_removed</c>).</param>
/// <param name="At">When it happened.</param>
/// <param name="Until">Until when the reason holds, when it has an end (<c>temporarily_banned</c>: when the ban expires), else null.</param>
public sealed record LineStatusChange(LineStatus From, LineStatus To, string Reason, DateTimeOffset At, DateTimeOffset? Until = null);
