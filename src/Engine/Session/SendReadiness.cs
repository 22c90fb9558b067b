namespace WaEngine.Engine.Session;

/// <summary>
/// The one rule for whether a line takes sends: it must be paired and starting, connecting, reconnecting or connected
/// (a message accepted while not connected waits durably in the send queue). The engine refuses with it and the API
/// answers 403 <c>not_connected</c> with the same sentence.
/// </summary>
public static class SendReadiness
{
    /// <summary>Why line <paramref name="id"/> refuses sends now, or null when it takes them.</summary>
    public static string? Refusal(LineId id, LineStatus status, bool paired, bool startExpected = false) => status switch
    {
        LineStatus.Stopped when startExpected && paired => null,
        LineStatus.Stopped => $"Line {id} is stopped; start it (POST /api/sessions/{id}/start) before sending.",
        LineStatus.LoggedOut => $"Line {id} is logged out; pair it again before sending.",
        LineStatus.Failed => $"Line {id} has failed; restart it (POST /api/sessions/{id}/restart) before sending.",
        _ when !paired => $"Line {id} is not paired yet (status {status.ToName()}); pair it by QR or phone code before sending.",
        LineStatus.Starting or LineStatus.Connecting or LineStatus.Reconnecting or LineStatus.Connected => null,
        _ => $"Line {id} cannot send while it is {status.ToName()}.",
    };
}
