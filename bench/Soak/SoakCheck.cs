using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>The end of the soak: what arrived where, read from the receiver's file, the service's API and the sandbox's phones.</summary>
internal sealed partial class SoakRun
{
    private readonly HashSet<string> _stored = [];
    private readonly HashSet<string> _settledOutbound = [];

    private async Task<SoakReport> EvaluateAsync()
    {
        var report = new SoakReport
        {
            Lines = _lines.Count,
            Peers = _peers.Count,
            Faults = [.. _faults],
            Refusals = [.. _refusals],
            FaultsMissed = [.. _faultsMissed],
            Groups = $"{_groups.Count} / {_lineGroups.Count}",
            LinesInGroups = _groups.Concat(_lineGroups).Sum(g => g.Lines.Count),
            ServerAnswers = new Dictionary<string, int>(_serverAnswers),
            DiskFullAvailable = _diskMounted,
            WorstConnectedWhileOffline = _worstConnectedWhileOffline,
        };

        // The receiver's record: every request it got, with the outcome it answered.
        var deliveries = new Dictionary<string, HashSet<string>>();
        var attempts = new Dictionary<string, int>();
        if (File.Exists(ReceivedFile))
        {
            using var stream = new FileStream(ReceivedFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0 || !line.EndsWith('}'))
                {
                    continue;
                }

                var record = JsonNode.Parse(line)!;
                report.WebhookPosts++;
                var outcome = record["outcome"]!.GetValue<string>();
                if (outcome == "fail")
                {
                    report.WebhookRefusedByReceiver++;
                }

                var delivery = record["delivery"]!.GetValue<string>();
                attempts[delivery] = attempts.GetValueOrDefault(delivery) + 1;
                if (record["event"]!.GetValue<string>() != "messages.received")
                {
                    continue;
                }

                var body = JsonNode.Parse(Convert.FromBase64String(record["body"]!.GetValue<string>()))!;
                var key = $"{body["session"]!["id"]!.GetValue<long>()}/{body["data"]!["messages"]!["key"]!["id"]!.GetValue<string>()}";
                if (!deliveries.TryGetValue(key, out var ids))
                {
                    deliveries[key] = ids = [];
                }

                ids.Add(delivery);
            }
        }

        report.WebhookRetries = attempts.Values.Sum(n => n - 1);
        report.DuplicateEvents = deliveries.Values.Count(ids => ids.Count > 1);

        foreach (var message in _inbound)
        {
            report.InboundSent++;
            report.InboundByKind[message.Kind] = report.InboundByKind.GetValueOrDefault(message.Kind) + 1;
            var key = $"{message.Line.Id}/{message.MsgId}";
            if (!_stored.Contains(key) && await LineGetAsync(message.Line, $"/api/messages/{message.MsgId}") is not null)
            {
                _stored.Add(key);
            }

            var stored = _stored.Contains(key);
            var delivered = deliveries.ContainsKey(key);
            report.InboundStored += stored ? 1 : 0;
            report.InboundDelivered += delivered ? 1 : 0;
            if (!stored || !delivered)
            {
                report.InboundMissing.Add($"{message.MsgId} from {message.Peer} to line {message.Line.Id} at {message.At:HH:mm:ss}: stored {stored}, delivered {delivered}");
            }
        }

        var inboxes = new Dictionary<string, HashSet<string>>();
        foreach (var peer in _peers)
        {
            try
            {
                var inbox = await _http.GetFromJsonAsync<JsonArray>(new Uri(_sandboxUrl, $"/sandbox/accounts/{peer}/messages"));
                inboxes[peer] = [.. inbox!.Select(m => m!["msg_id"]!.GetValue<string>())];
            }
            catch (HttpRequestException)
            {
                inboxes[peer] = [];
            }
        }

        foreach (var message in _outbound)
        {
            report.OutboundAccepted++;
            report.OutboundByKind[message.Kind] = report.OutboundByKind.GetValueOrDefault(message.Kind) + 1;
            if (_settledOutbound.Contains(message.MsgId))
            {
                report.OutboundDelivered++;
                continue;
            }

            var view = await LineGetAsync(message.Line, $"/api/messages/{message.MsgId}");
            var status = view?["status"]?.GetValue<string>();
            if (status is "server_ack" or "delivery_ack" or "read" && await DeliveredAsync(message, inboxes))
            {
                _settledOutbound.Add(message.MsgId);
                report.OutboundDelivered++;
            }
            else if (status == "failed")
            {
                report.OutboundFailed.Add($"{message.Kind} {message.MsgId} on line {message.Line.Id}: {view!["error"]?.GetValue<string>() ?? "no reason"}");
            }
            else
            {
                report.OutboundMissing.Add($"{message.Kind} {message.MsgId} on line {message.Line.Id} to {message.Peer} at {message.At:HH:mm:ss}: status {status ?? "unknown"}, {(message.Group is null ? "in the phone's inbox" : "stored by the group's other lines")} {await DeliveredAsync(message, inboxes)}");
            }
        }

        (report.ChangesApplied, report.ChangesNotApplied) = await ChangesAppliedAsync();
        try
        {
            using var sessions = await _http.SendAsync(Admin(HttpMethod.Get, "/api/sessions"));
            var statuses = (await sessions.Content.ReadFromJsonAsync<JsonArray>())!.Select(s => (Id: s!["id"]!.GetValue<long>(), Status: s["status"]!.GetValue<string>(), Reason: s["reason"]?.ToString())).ToList();
            report.Connected = statuses.Count(s => s.Status == "connected");
            report.NotConnected = [.. statuses.Where(s => s.Status != "connected").Select(s => $"line {s.Id}: {s.Status} ({s.Reason ?? "no reason"})")];
            var rules = (await _http.GetFromJsonAsync<JsonNode>(new Uri(_sandboxUrl, "/sandbox/rules")))!;
            report.RuleBreaches = rules["breaches"]!.AsObject().Where(b => b.Value!.GetValue<long>() > 0).ToDictionary(b => b.Key, b => b.Value!.GetValue<long>());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            report.NotConnected = [$"the service or the sandbox did not answer: {ex.Message}"];
        }

        return report;
    }

    private async Task<JsonNode?> LineGetAsync(SoakLine line, string path)
    {
        try
        {
            using var answer = await _http.SendAsync(AsLine(line, HttpMethod.Get, new Uri(_serviceUrl, path)));
            return answer.IsSuccessStatusCode ? await answer.Content.ReadFromJsonAsync<JsonNode>() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Secrets and message text found in the service's log: tokens, the admin key, webhook secrets, the soak's marker.</summary>
    private List<string> LogLeaks()
    {
        var log = File.ReadAllText(_service.LogPath, Encoding.UTF8);
        var leaks = new List<string>();
        if (log.Contains(_adminKey, StringComparison.Ordinal))
        {
            leaks.Add("the admin key");
        }

        if (log.Contains(_marker, StringComparison.Ordinal))
        {
            leaks.Add("message text");
        }

        foreach (var line in _lines)
        {
            if (log.Contains(line.Token[(line.Token.IndexOf('_', StringComparison.Ordinal) + 1)..], StringComparison.Ordinal))
            {
                leaks.Add($"line {line.Id}'s token");
            }

            if (log.Contains(line.Secret, StringComparison.Ordinal))
            {
                leaks.Add($"line {line.Id}'s webhook secret");
            }
        }

        return leaks;
    }
}
