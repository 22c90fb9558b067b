using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

/// <summary>The soak's figures, and whether it passed: nothing lost, nothing duplicated, every line back, nothing leaked.</summary>
internal sealed class SoakReport
{
    /// <summary>The longest a line may say connected while the server has no connection for it: two keepalive intervals (25 s each) and the monitor's 2 s.</summary>
    public static readonly TimeSpan ConnectedWhileOfflineLimit = TimeSpan.FromSeconds(52);

    public int Lines { get; init; }

    public int Peers { get; init; }

    public double TrafficMinutes { get; set; }

    public double SettleSeconds { get; set; }

    public double ShutdownSeconds { get; set; }

    public int InboundSent { get; set; }

    public int InboundStored { get; set; }

    public int InboundDelivered { get; set; }

    public List<string> InboundMissing { get; } = [];

    public int OutboundAccepted { get; set; }

    public int OutboundDelivered { get; set; }

    public List<string> OutboundFailed { get; } = [];

    public List<string> OutboundMissing { get; } = [];

    public List<string> Refusals { get; init; } = [];

    /// <summary>Inbound messages by kind: <c>text</c>, and kinds the engine does not parse (<c>event</c>, <c>unnamed_field</c>).</summary>
    public Dictionary<string, int> InboundByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>Outbound messages by kind: <c>text</c>, <c>reply</c>, <c>reaction</c>, <c>group</c> (a text to a group of the line's).</summary>
    public Dictionary<string, int> OutboundByKind { get; } = new(StringComparer.Ordinal);

    /// <summary>The groups (made by the phones and by the lines), and how many lines are in them.</summary>
    public string Groups { get; init; } = "";

    public int LinesInGroups { get; init; }

    /// <summary>The phones' edits and deletes that changed their target in the line's store (reported only: a target still on its way when its edit came stays as it was, as in WhatsApp).</summary>
    public int ChangesApplied { get; set; }

    public List<string> ChangesNotApplied { get; set; } = [];


    /// <summary>Per-line faults the sandbox refused (their line, connected when chosen, was not by the time the fault came): by kind.</summary>
    public List<string> FaultsMissed { get; init; } = [];

    /// <summary>API answers 5xx by status, code and whether the disk was full (each retried until accepted).</summary>
    public Dictionary<string, int> ServerAnswers { get; init; } = [];

    /// <summary>Whether the data folder was on a tmpfs of its own, so the disk-full fault could run.</summary>
    public bool DiskFullAvailable { get; init; }

    /// <summary>Line databases that failed <c>PRAGMA integrity_check</c> after the service stopped.</summary>
    public List<string> DamagedDatabases { get; set; } = [];

    public int DatabasesChecked { get; set; }

    /// <summary>500s: a request the service failed on (a full disk must be a 507 with its code, never a 500).</summary>
    public int InternalErrors => ServerAnswers.Where(a => a.Key.StartsWith("500", StringComparison.Ordinal)).Sum(a => a.Value);

    public int WebhookPosts { get; set; }

    public int WebhookRefusedByReceiver { get; set; }

    public int WebhookRetries { get; set; }

    public int DuplicateEvents { get; set; }

    public int Connected { get; set; }

    public List<string> NotConnected { get; set; } = [];

    public TimeSpan WorstConnectedWhileOffline { get; init; }

    public List<InjectedFault> Faults { get; init; } = [];

    public Dictionary<string, long> RuleBreaches { get; set; } = [];

    public List<string> LogLeaks { get; set; } = [];

    /// <summary>Nothing is still on its way: every message is where it belongs (or failed with a reason) and every line is connected.</summary>
    public bool Settled => InboundMissing.Count == 0 && OutboundMissing.Count == 0 && NotConnected.Count == 0;

    /// <summary>
    /// Muted connections (the server silent toward the line for a minute, the socket open) the line kept calling
    /// connected for longer than the limit, or never left: they fail the soak. The keepalive's worst case is interval +
    /// slack + one silence check (40 s); SilentServerTests proves it on a manual clock.
    /// </summary>
    public IEnumerable<InjectedFault> MutesNoticedLate => Faults.Where(f => f.Kind == "mute" && (f.Noticed is null || f.Noticed > ConnectedWhileOfflineLimit));

    /// <summary>
    /// Rules the sandbox only observes and that a soak provokes by design: R18 (logins per second from one address) when
    /// the lines are paired four at a time and when every line reconnects after the sandbox restarts.
    /// </summary>
    public static readonly IReadOnlySet<string> ObservedOnly = new HashSet<string> { "R18" };

    /// <summary>
    /// R6 breaches the soak's own mutes cause: a mute makes the server deaf to the line's next stanzas, acks included, so
    /// a delivery it swallowed the ack of stays owed and the server ends the stream as WhatsApp would (R6). At most one
    /// per mute (the stream ends); more would be the line's own doing.
    /// </summary>
    public bool BreachesExplained => RuleBreaches.All(b => ObservedOnly.Contains(b.Key) || (b.Key == "R6" && b.Value <= Faults.Count(f => f.Kind == "mute")));

    public bool Passed => Settled && DuplicateEvents == 0 && Refusals.Count == 0 && LogLeaks.Count == 0 && BreachesExplained
        && WorstConnectedWhileOffline <= ConnectedWhileOfflineLimit && !MutesNoticedLate.Any() && OutboundFailed.Count == 0 && DamagedDatabases.Count == 0 && InternalErrors == 0;

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"| soak: {Lines} lines, {Peers} phones, {TrafficMinutes:0.0} min of traffic and faults | |");
        text.AppendLine("|---|---|");
        text.AppendLine(c, $"| inbound messages sent by phones | {InboundSent} |");
        text.AppendLine(c, $"| … by kind (`event` and `unnamed_field`: kinds the engine does not parse; `group`: one per line in the group) | {string.Join(", ", InboundByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}"))} |");
        text.AppendLine(c, $"| … stored by the service / delivered to the webhook | {InboundStored} / {InboundDelivered} |");
        text.AppendLine(c, $"| … edits and deletes that changed their target in the line's store (reported only) | {ChangesApplied} of {ChangesApplied + ChangesNotApplied.Count} |");
        text.AppendLine(c, $"| groups (made by phones / by lines) / lines in them | {Groups} / {LinesInGroups} |");
        text.AppendLine(c, $"| outbound messages accepted by the API (202) | {OutboundAccepted} |");
        text.AppendLine(c, $"| … by kind (`group`: a text to a group, owed to every other line and every phone in it) | {string.Join(", ", OutboundByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}"))} |");
        text.AppendLine(c, $"| … acked by the server and in the phone's inbox (group: stored by every other line and in every phone's inbox) / failed with a reason | {OutboundDelivered} / {OutboundFailed.Count} |");
        text.AppendLine(c, $"| **lost** (inbound + outbound) | **{InboundMissing.Count + OutboundMissing.Count}** |");
        text.AppendLine(c, $"| webhook requests / refused by the receiver (10%) / retries of a delivery | {WebhookPosts} / {WebhookRefusedByReceiver} / {WebhookRetries} |");
        text.AppendLine(c, $"| duplicate events (one message, two delivery ids) | {DuplicateEvents} |");
        text.AppendLine(c, $"| API requests refused (4xx other than expected) | {Refusals.Count} |");
        text.AppendLine(c, $"| API answers 5xx, each repeated with its Idempotency-Key until accepted (a 500 fails the soak) | {(ServerAnswers.Count == 0 ? "none" : string.Join(", ", ServerAnswers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} × {a.Value}")))} |");
        text.AppendLine(c, $"| lines connected at the end | {Connected} of {Lines} |");
        text.AppendLine(c, $"| longest 'connected' while the server had no connection (limit {ConnectedWhileOfflineLimit.TotalSeconds:0} s) | {WorstConnectedWhileOffline.TotalSeconds:0.0} s |");
        text.AppendLine(c, $"| muted connections (server silent for a minute) noticed after more than {ConnectedWhileOfflineLimit.TotalSeconds:0} s, or not at all | {MutesNoticedLate.Count()} |");
        foreach (var kind in Faults.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var recoveries = kind.Where(f => f.Recovery is not null).Select(f => f.Recovery!.Value.TotalSeconds).OrderBy(s => s).ToList();
            var noticed = kind.Where(f => f.Noticed is not null).Select(f => f.Noticed!.Value.TotalSeconds).ToList();
            var back = recoveries.Count == 0 ? "—" : string.Create(c, $"back in {recoveries[recoveries.Count / 2]:0.0} s median, {recoveries[^1]:0.0} s max");
            var seen = kind.Key == "mute" && noticed.Count > 0 ? string.Create(c, $"; noticed in {noticed.Max():0.0} s max") : "";
            text.AppendLine(c, $"| fault `{kind.Key}` × {kind.Count()} | {back}{seen} |");
        }

        text.AppendLine(c, $"| per-line faults missed (their line not connected when the fault came) | {(FaultsMissed.Count == 0 ? "none" : string.Join(", ", FaultsMissed.GroupBy(k => k, StringComparer.Ordinal).Select(g => $"{g.Key} × {g.Count()}")))} |");
        text.AppendLine(c, $"| settle after the traffic stopped | {SettleSeconds:0} s |");
        text.AppendLine(c, $"| SIGTERM of the service at the end | {ShutdownSeconds:0.0} s |");
        text.AppendLine(c, $"| line databases damaged (`PRAGMA integrity_check` after the stop) | {DamagedDatabases.Count} of {DatabasesChecked}{(DiskFullAvailable ? "" : " (no tmpfs: the disk-full fault did not run)")} |");
        text.AppendLine(c, $"| strict sandbox rule breaches (R18 only observed; R6 up to one per mute, whose swallowed acks it is) | {(RuleBreaches.Count == 0 ? "none" : string.Join(", ", RuleBreaches.Select(b => $"{b.Key} × {b.Value}")))} |");
        text.AppendLine(c, $"| secrets or message text in the service's log | {(LogLeaks.Count == 0 ? "none" : string.Join(", ", LogLeaks))} |");
        text.AppendLine(c, $"| verdict | {(Passed ? "passed" : "FAILED")} |");
        foreach (var (title, list) in new[] { ("missing inbound", InboundMissing), ("missing outbound", OutboundMissing), ("failed outbound", OutboundFailed), ("refused requests", Refusals), ("edits and deletes not applied (reported only)", ChangesNotApplied), ("not connected", NotConnected), ("damaged databases", DamagedDatabases) })
        {
            if (list.Count > 0)
            {
                text.AppendLine().AppendLine(c, $"{title} ({list.Count}, first 20):");
                foreach (var item in list.Take(20))
                {
                    text.AppendLine(c, $"- {item}");
                }
            }
        }

        return text.ToString();
    }

    public JsonObject ToJson() => new()
    {
        ["lines"] = Lines,
        ["peers"] = Peers,
        ["traffic_minutes"] = Math.Round(TrafficMinutes, 2),
        ["inbound_sent"] = InboundSent,
        ["inbound_stored"] = InboundStored,
        ["inbound_delivered"] = InboundDelivered,
        ["outbound_accepted"] = OutboundAccepted,
        ["outbound_delivered"] = OutboundDelivered,
        ["outbound_failed"] = OutboundFailed.Count,
        ["lost"] = InboundMissing.Count + OutboundMissing.Count,
        ["duplicate_events"] = DuplicateEvents,
        ["webhook_posts"] = WebhookPosts,
        ["webhook_retries"] = WebhookRetries,
        ["refusals"] = Refusals.Count,
        ["server_answers"] = new JsonObject([.. ServerAnswers.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))]),
        ["outbound_by_kind"] = new JsonObject([.. OutboundByKind.Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Value))]),
        ["groups"] = Groups,
        ["changes_applied"] = ChangesApplied,
        ["changes_not_applied"] = ChangesNotApplied.Count,
        ["faults_missed"] = FaultsMissed.Count,
        ["inbound_by_kind"] = new JsonObject([.. InboundByKind.Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Value))]),
        ["damaged_databases"] = DamagedDatabases.Count,
        ["connected_at_end"] = Connected,
        ["worst_connected_while_offline_s"] = Math.Round(WorstConnectedWhileOffline.TotalSeconds, 1),
        ["faults"] = new JsonArray([.. Faults.Select(f => new JsonObject { ["kind"] = f.Kind, ["line"] = f.LineId, ["recovery_s"] = f.Recovery?.TotalSeconds, ["noticed_s"] = f.Noticed?.TotalSeconds })]),
        ["rule_breaches"] = new JsonObject([.. RuleBreaches.Select(b => KeyValuePair.Create(b.Key, (JsonNode?)b.Value))]),
        ["log_leaks"] = LogLeaks.Count,
        ["shutdown_s"] = Math.Round(ShutdownSeconds, 2),
        ["passed"] = Passed,
    };
}
