// The soak (issue #18): the standalone strict sandbox, the service and a webhook receiver that fails 10% of requests,
// stalls some past the sender's timeout and is restarted now and then, each in a process of its own; N lines paired
// through the REST API; virtual phones writing to the lines and the lines answering through the API (texts, replies,
// reactions, every send with an Idempotency-Key and retried through restarts); faults on a schedule (dropped
// connections, 515 restarts, muted connections, delayed and dropped stanzas, corrupt ciphertexts, the receiver
// killed, the service SIGKILLed, the sandbox restarted). Then a settle phase, and the check: every message a phone
// sent is stored and reached the webhook; every message the API accepted reached its phone (or failed with a reason);
// no duplicate events; every line connected; no line said connected for long while the server had no connection;
// no rule breached; no token, key, secret or message text in the service's log.
//   dotnet Soak.dll --root REPO [--lines 50] [--peers 5] [--minutes 30] [--fault-every 20] [--rate 5] [--work DIR]
// Prints the report as Markdown on stdout (and writes report.json and report.md in the work folder); exit code 0 when it passed.
var settings = Settings.Parse(args);
SoakReport report;
await using (var run = new SoakRun(settings))
{
    await run.StartAsync();
    report = await run.RunAsync();
}

var markdown = report.ToMarkdown();
await File.WriteAllTextAsync(Path.Combine(settings.Work, "report.md"), markdown);
await File.WriteAllTextAsync(Path.Combine(settings.Work, "report.json"), report.ToJson().ToJsonString());
Console.WriteLine(markdown);
return report.Passed ? 0 : 1;
