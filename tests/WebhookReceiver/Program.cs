using System.Text.Json;

// A webhook receiver the tests start as a real process (never in the test host):
//   --urls http://127.0.0.1:PORT   where it listens
//   --out FILE                     appends one JSON line per request: headers, body (base64) and what it answered
//   --fail-every N                 answers 500 to every N-th request (0: never)
//   --slow-every M --slow-ms MS    every M-th request is recorded, then answered 200 only after MS milliseconds
//                                  (past the sender's timeout: the sender retries a request the receiver has seen)
// Counting starts again at each start. GET /health answers once it listens.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var output = builder.Configuration["out"] ?? throw new InvalidOperationException("--out FILE is required.");
var failEvery = builder.Configuration.GetValue("fail-every", 0);
var slowEvery = builder.Configuration.GetValue("slow-every", 0);
var slowMs = builder.Configuration.GetValue("slow-ms", 0);
var app = builder.Build();
var gate = new Lock();
var count = 0L;
await using var file = new FileStream(output, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);

app.MapGet("/health", () => "ok");
app.MapPost("/{**path}", async (HttpContext context) =>
{
    using var buffer = new MemoryStream();
    await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
    var n = Interlocked.Increment(ref count);
    var outcome = failEvery > 0 && n % failEvery == 0 ? "fail" : slowEvery > 0 && n % slowEvery == 0 ? "slow" : "ok";
    var headers = context.Request.Headers;
    var line = JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["n"] = n,
        ["at_ms"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        ["path"] = context.Request.Path.Value + context.Request.QueryString.Value,
        ["outcome"] = outcome,
        ["event"] = headers["X-WaEngine-Event"].ToString(),
        ["delivery"] = headers["X-WaEngine-Delivery"].ToString(),
        ["timestamp"] = headers["X-WaEngine-Timestamp"].ToString(),
        ["signature"] = headers["X-WaEngine-Signature"].ToString(),
        ["content_type"] = headers.ContentType.ToString(),
        ["user_agent"] = headers.UserAgent.ToString(),
        ["body"] = Convert.ToBase64String(buffer.ToArray()),
    }) + "\n";
    var bytes = System.Text.Encoding.UTF8.GetBytes(line);
    lock (gate)
    {
        // One write per line, flushed before answering: a SIGKILL after the answer never loses the record.
        file.Write(bytes);
        file.Flush();
    }

    switch (outcome)
    {
        case "fail":
            return Results.StatusCode(500);
        case "slow":
            await Task.Delay(slowMs, CancellationToken.None);
            return Results.Ok();
        default:
            return Results.Ok();
    }
});

await app.RunAsync();
