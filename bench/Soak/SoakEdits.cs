using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>An edit or delete a phone sent: the message it changes and, for an edit, the new text.</summary>
/// <param name="Change">The edit or delete itself (owed to its line like any inbound message).</param>
/// <param name="TargetId">The earlier text it changes.</param>
/// <param name="Text">The new text of an edit; null for a delete.</param>
internal sealed record InboundChange(SentMessage Change, string TargetId, string? Text);

/// <summary>
/// Edits and deletes in the soak's traffic, both ways: a phone edits or deletes (for everyone) a text it sent a line
/// earlier, and a line edits or deletes through the API a text it sent a phone. Each is a message of its own, owed like
/// any other (stored and delivered to the webhook by the line; in the phone's inbox); whether a phone's edit or delete
/// also changed its target in the line's store is reported.
/// </summary>
internal sealed partial class SoakRun
{
    private readonly System.Collections.Concurrent.ConcurrentBag<InboundChange> _inboundChanges = [];

    /// <summary>
    /// A message from <paramref name="queue"/> old enough to have arrived (30 s) and young enough to be edited (WhatsApp
    /// allows 15 minutes; 5 here); older ones are passed over for good. Null when there is none yet.
    /// </summary>
    private static SentMessage? TakeRecent(System.Collections.Concurrent.ConcurrentQueue<SentMessage> queue)
    {
        var now = DateTimeOffset.UtcNow;
        while (queue.TryPeek(out var oldest) && oldest.At < now.AddMinutes(-5))
        {
            queue.TryDequeue(out _);
        }

        return queue.TryPeek(out var next) && next.At < now.AddSeconds(-30) && queue.TryDequeue(out var taken) ? taken : null;
    }

    /// <summary>The phone that sent <paramref name="target"/> edits it or deletes it for everyone.</summary>
    private async Task SendInboundChangeAsync(SentMessage target, string kind, long seq)
    {
        var text = kind == "edit" ? string.Create(CultureInfo.InvariantCulture, $"{_marker} edited in {seq}") : null;
        var protocol = new JsonObject
        {
            ["key"] = new JsonObject { ["remoteJid"] = target.Line.Phone + "@s.whatsapp.net", ["fromMe"] = true, ["id"] = target.MsgId },
            ["type"] = kind == "edit" ? "MESSAGE_EDIT" : "REVOKE",
        };
        if (text is not null)
        {
            protocol["editedMessage"] = new JsonObject { ["conversation"] = text };
            protocol["timestampMs"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }

        using var sent = await _http.PostAsJsonAsync(new Uri(_sandboxUrl, $"/sandbox/accounts/{target.Peer}/messages"),
            new { to = target.Line.Phone, message = new JsonObject { ["protocolMessage"] = protocol } }, CancellationToken.None);
        if (sent.IsSuccessStatusCode)
        {
            var id = (await sent.Content.ReadFromJsonAsync<JsonNode>(CancellationToken.None))!["msg_id"]!.GetValue<string>();
            var change = new SentMessage(id, target.Line, target.Peer, kind, DateTimeOffset.UtcNow);
            _inbound.Add(change);
            _inboundChanges.Add(new InboundChange(change, target.MsgId, text));
        }
    }

    /// <summary>How many of the phones' edits and deletes changed their target in the line's store, and which did not.</summary>
    private async Task<(int Applied, List<string> NotApplied)> ChangesAppliedAsync()
    {
        var applied = 0;
        var notApplied = new List<string>();
        foreach (var change in _inboundChanges)
        {
            var target = await LineGetAsync(change.Change.Line, $"/api/messages/{change.TargetId}");
            var body = target?["body"]?.GetValue<string>();
            if (target is not null && (change.Text is null ? body is null : body == change.Text))
            {
                applied++;
            }
            else
            {
                notApplied.Add($"{change.Change.Kind} {change.Change.MsgId} of {change.TargetId} on line {change.Change.Line.Id}: target {(target is null ? "not stored" : "unchanged")}");
            }
        }

        return (applied, notApplied);
    }
}
