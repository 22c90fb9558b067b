using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>A group of the soak: created by a virtual phone, with another phone and some of the lines in it.</summary>
/// <param name="Jid">The group's JID.</param>
/// <param name="Phones">The phones in it (its creator first).</param>
/// <param name="Lines">The lines in it.</param>
internal sealed record SoakGroup(string Jid, IReadOnlyList<string> Phones, IReadOnlyList<SoakLine> Lines);

/// <summary>
/// Group traffic in the soak: each phone creates a group with the next phone and a few lines, and phones write to their
/// groups (every line in the group must store the message and deliver it to the webhook); lines create groups with
/// other lines through the API; lines write to both kinds (every other line in the group must store the message, and
/// every phone in it must have decrypted it), and to the phones of their groups alone. A burst of group sends goes out just before the disk fills.
/// </summary>
internal sealed partial class SoakRun
{
    /// <summary>Lines in one group at most.</summary>
    private const int LinesPerGroup = 4;

    private readonly List<SoakGroup> _groups = [];

    /// <summary>Groups a line made with other lines only (the lines also write to the phones' groups).</summary>
    private readonly List<SoakGroup> _lineGroups = [];

    /// <summary>Creates the groups and waits until every line in one has it in its store (it came as a notification).</summary>
    private async Task CreateGroupsAsync()
    {
        var count = Math.Min(_peers.Count, Math.Max(2, _lines.Count / 10));
        for (var k = 0; k < count; k++)
        {
            var phones = _peers.Count > 1 ? new[] { _peers[k], _peers[(k + 1) % _peers.Count] } : [_peers[k]];
            var lines = _lines.Where((_, i) => i % count == k).Take(LinesPerGroup).ToList();
            if (lines.Count == 0)
            {
                continue;
            }

            using var created = await _http.PostAsJsonAsync(new Uri(_sandboxUrl, $"/sandbox/accounts/{phones[0]}/groups"), new
            {
                subject = string.Create(CultureInfo.InvariantCulture, $"soak group {k}"),
                participants = phones.Skip(1).Concat(lines.Select(l => l.Phone)).ToArray(),
            });
            created.EnsureSuccessStatusCode();
            var jid = (await created.Content.ReadFromJsonAsync<JsonNode>())!["jid"]!.GetValue<string>();
            _groups.Add(new SoakGroup(jid, phones, lines));
        }

        foreach (var group in _groups)
        {
            foreach (var line in group.Lines)
            {
                await UntilAsync(async () =>
                {
                    using var answer = await _http.SendAsync(AsLine(line, HttpMethod.Get, new Uri(_serviceUrl, "/api/groups")));
                    var known = answer.IsSuccessStatusCode ? await answer.Content.ReadFromJsonAsync<JsonArray>() : null;
                    return known?.Any(g => g?["jid"]?.GetValue<string>() == group.Jid) == true ? "yes" : null;
                }, $"line {line.Id} knowing group {group.Jid}", TimeSpan.FromSeconds(120));
            }
        }

        // The lines' own groups: from the end of the line list, a line and up to three others, made through the API.
        for (var k = 0; k < count && _lines.Count > 1; k++)
        {
            var lines = _lines.AsEnumerable().Reverse().Where((_, i) => i % count == k).Take(LinesPerGroup).ToList();
            if (lines.Count < 2)
            {
                continue;
            }

            using var request = AsLine(lines[0], HttpMethod.Post, new Uri(_serviceUrl, "/api/groups"), new
            {
                subject = string.Create(CultureInfo.InvariantCulture, $"soak line group {k}"),
                participants = lines.Skip(1).Select(l => l.Phone).ToArray(),
            });
            using var created = await _http.SendAsync(request);
            created.EnsureSuccessStatusCode();
            var jid = (await created.Content.ReadFromJsonAsync<JsonNode>())!["jid"]!.GetValue<string>();
            var group = new SoakGroup(jid, [], lines);
            _lineGroups.Add(group);
            foreach (var line in lines.Skip(1))
            {
                await UntilAsync(async () =>
                {
                    using var answer = await _http.SendAsync(AsLine(line, HttpMethod.Get, new Uri(_serviceUrl, "/api/groups")));
                    var known = answer.IsSuccessStatusCode ? await answer.Content.ReadFromJsonAsync<JsonArray>() : null;
                    return known?.Any(g => g?["jid"]?.GetValue<string>() == jid) == true ? "yes" : null;
                }, $"line {line.Id} knowing group {jid}", TimeSpan.FromSeconds(120));
            }
        }

        Say($"{_groups.Count} phone groups, {_lineGroups.Count} line groups, {_groups.Concat(_lineGroups).Sum(g => g.Lines.Count)} lines in them");
    }

    /// <summary>A phone of a random group writes to it; each line in the group is owed the message.</summary>
    private async Task SendGroupInboundAsync(long seq)
    {
        var group = _groups[Random.Shared.Next(_groups.Count)];
        var phone = group.Phones[Random.Shared.Next(group.Phones.Count)];
        using var sent = await _http.PostAsJsonAsync(new Uri(_sandboxUrl, $"/sandbox/accounts/{phone}/messages"), new { to = group.Jid, text = $"{_marker} group in {seq}" }, CancellationToken.None);
        if (sent.IsSuccessStatusCode)
        {
            var id = (await sent.Content.ReadFromJsonAsync<JsonNode>(CancellationToken.None))!["msg_id"]!.GetValue<string>();
            var at = DateTimeOffset.UtcNow;
            foreach (var line in group.Lines)
            {
                _inbound.Add(new SentMessage(id, line, phone, "group", at, group));
            }
        }
    }

    /// <summary>
    /// Whether an outbound message reached where it is owed: a one-to-one message its phone's inbox; a group message
    /// every other line in the group (stored by it) and every phone in it (in its inbox).
    /// </summary>
    private async Task<bool> DeliveredAsync(SentMessage message, Dictionary<string, HashSet<string>> inboxes)
    {
        if (message.Group is not { } group)
        {
            return inboxes[message.Peer].Contains(message.MsgId);
        }

        foreach (var line in group.Lines.Where(l => l.Id != message.Line.Id))
        {
            if (await LineGetAsync(line, $"/api/messages/{message.MsgId}") is null)
            {
                return false;
            }
        }

        // Every phone in the group decrypted it too (the line's sender key reached it by LID).
        return group.Phones.All(phone => inboxes[phone].Contains(message.MsgId));
    }
}
