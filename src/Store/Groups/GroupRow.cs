namespace WaEngine.Store.Groups;

/// <summary>One <c>groups</c> row as Dapper reads it.</summary>
internal sealed class GroupRow
{
    public const string Columns = "jid AS Jid, subject AS Subject, description AS Description, description_id AS DescriptionId, owner AS Owner, " +
        "created_at_ms AS CreatedAtMs, announce AS Announce, locked AS Locked, lid_addressing AS LidAddressing";

    public string Jid { get; set; } = "";
    public string? Subject { get; set; }
    public string? Description { get; set; }
    public string? DescriptionId { get; set; }
    public string? Owner { get; set; }
    public long? CreatedAtMs { get; set; }
    public long Announce { get; set; }
    public long Locked { get; set; }
    public long LidAddressing { get; set; }
}
