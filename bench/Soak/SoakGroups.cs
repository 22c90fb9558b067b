using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>A group of the soak: created by a virtual phone, with another phone and some of the lines in it.</summary>
/// <param name="Jid">The group's JID.</param>
/// <param name="Phones">The phones in it (its creator first).</param>
/// <param name="Lines">The lines in it.</param>
internal sealed record SoakGroup(string Jid, IReadOnlyList<string> Phones, IReadOnlyList<SoakLine> Lines);

/// <summary>
/// Group traffic in the soak: each phone creates a group with the next phone and a few lines; phones write to their
/// groups (every line in the group must store the message and deliver it to the webhook) and lines write to theirs
/// through the API (every other line in the group must store it; the group's phones are counted, reported only). A burst of group sends goes out just before the disk fills.
/// </summary>
internal sealed partial class SoakRun
{
    /// <summary>Lines in one group at most.</summary>
    private const int LinesPerGroup = 4;

    private readonly List<SoakGroup> _groups = [];

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

        Say($"{_groups.Count} groups, {_groups.Sum(g => g.Lines.Count)} lines in them");
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

    /// <summary>Whether every phone of <paramref name="message"/>'s group (or its one phone) has it in its inbox.</summary>
    private static bool InInboxes(SentMessage message, Dictionary<string, HashSet<string>> inboxes) =>
        message.Group is { } group ? group.Phones.All(p => inboxes[p].Contains(message.MsgId)) : inboxes[message.Peer].Contains(message.MsgId);

    /// <summary>
    /// Whether an outbound message reached where it is owed: a one-to-one message its phone's inbox; a group message
    /// every other line in the group (stored by it). The group's virtual phones are counted apart and reported only:
    /// they cannot yet decrypt a line's sender key distribution sent under the group's LID addressing (README, soak).
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

        return true;
    }
}
