namespace WaEngine.Engine.Stanzas.Groups;

/// <summary>What happened to one participant of a create or a participants change.</summary>
/// <param name="Jid">The participant as asked for.</param>
/// <param name="Lid">Its LID when the server named one, else null.</param>
/// <param name="Admin">null, <c>admin</c> or <c>superadmin</c>.</param>
/// <param name="Status"><c>added</c>, <c>removed</c>, <c>promoted</c>, <c>demoted</c>, <c>not_on_whatsapp</c>, <c>invite_required</c>, <c>not_in_group</c>, <c>already_in_group</c> or <c>error_&lt;code&gt;</c>.</param>
public sealed record GroupParticipantOutcome(string Jid, string? Lid, string? Admin, string Status)
{
    /// <summary>The status name for the server's per-participant <paramref name="code"/> after <paramref name="action"/>.</summary>
    public static string StatusOf(string action, int code) => code switch
    {
        200 => action switch { "add" => "added", "remove" => "removed", "promote" => "promoted", "demote" => "demoted", _ => "ok" },
        403 => "invite_required",
        400 or 404 => action == "add" ? "not_on_whatsapp" : "not_in_group",
        409 => action == "add" ? "already_in_group" : "not_in_group",
        _ => "error_" + code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
