using WaEngine.Engine.Binary;

namespace WaEngine.Engine.Stanzas.Calls;

/// <summary>A call someone places to the line's account (a <c>&lt;call&gt;&lt;offer/&gt;&lt;/call&gt;</c>). The engine never answers calls.</summary>
/// <param name="CallId">The call's id (<c>call-id</c>), the same on every stanza of the call.</param>
/// <param name="From">The caller (<c>call-creator</c>, else the stanza's <c>from</c>), without a device.</param>
/// <param name="Video">True for a video call (the offer carries <c>&lt;video/&gt;</c>).</param>
/// <param name="Timestamp">When the call was placed (the stanza's <c>t</c>).</param>
public sealed record IncomingCall(string CallId, Jid From, bool Video, DateTimeOffset Timestamp);
