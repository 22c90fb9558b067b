namespace WaEngine.Sandbox.Rules;

/// <summary>How the server refuses every login of one account until it is lifted or ends.</summary>
/// <param name="Reason">The <c>failure</c> reason: 402 (temporary ban), 403 (locked), 406 (banned), 409 (bad user agent), 500, 503, …</param>
/// <param name="Code">The ban's <c>code</c> (why; 402 only), or null.</param>
/// <param name="Length">For 402: how long the ban lasts from its start, and how far a login before its end pushes the end out.</param>
/// <param name="Until">For 402: when the ban ends; null for refusals that last until lifted.</param>
public sealed record LoginRefusal(int Reason, string? Code, TimeSpan? Length, DateTimeOffset? Until);
