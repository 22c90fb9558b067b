namespace WaEngine.Store.Tests.Messages;

/// <summary>One <c>line_events</c> row as the tests read it.</summary>
internal sealed record JournalRow(string Event, string? ChatJid, string? MsgId, long? MessageSeq, string? Status, string? Detail, long CreatedAtMs);
