using WaEngine.Engine.Stanzas.Groups;

namespace WaEngine.Store.Groups;

/// <summary>One <c>group_participants</c> row as Dapper reads it.</summary>
internal sealed class ParticipantRow
{
    public const string Columns = "group_jid AS GroupJid, jid AS Jid, phone_number AS PhoneNumber, lid AS Lid, admin AS Admin";

    public string GroupJid { get; set; } = "";
    public string Jid { get; set; } = "";
    public string? PhoneNumber { get; set; }
    public string? Lid { get; set; }
    public string? Admin { get; set; }

    public GroupMember ToMember() => new(Jid, PhoneNumber, Lid, Admin);
}
