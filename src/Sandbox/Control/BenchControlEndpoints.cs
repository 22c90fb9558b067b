using System.Text.Json.Serialization;
using WaEngine.Sandbox.Accounts;
using WaEngine.Sandbox.Hosting;
using WaEngine.Sandbox.Phone;

namespace WaEngine.Sandbox.Control;

/// <summary>
/// The control API's parts for the benchmark suite and tests: the iqs an account's devices sent
/// (<see cref="Protocol.IqTally"/>), virtual phones sending texts at a fixed rate (<see cref="InboundLoad"/>), and
/// which of many awaited messages their phones have received (one query instead of one per phone).
/// </summary>
public static class BenchControlEndpoints
{
    /// <summary>The most messages one load run sends.</summary>
    public const int MaxLoadMessages = 600_000;

    /// <summary>Maps <c>GET accounts/{phone}/iqs</c>, <c>POST load</c> and <c>POST arrivals</c> onto <paramref name="group"/>.</summary>
    public static RouteGroupBuilder MapSandboxBenchEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/accounts/{phone}/iqs", IqsAsync);
        group.MapPost("/load", LoadAsync);
        group.MapPost("/arrivals", ArrivalsAsync);
        return group;
    }

    /// <summary>The most messages one arrivals query names.</summary>
    public const int MaxArrivalQuery = 10_000;

    private static async Task<IResult> ArrivalsAsync(HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<ArrivalsRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (body.Messages is not { Count: > 0 and <= MaxArrivalQuery } messages || messages.Any(m => string.IsNullOrEmpty(m.Phone) || string.IsNullOrEmpty(m.MsgId)))
        {
            return JsonBody.Error($"messages must list 1 to {MaxArrivalQuery} {{phone, msg_id}} pairs, none empty.", param: "messages");
        }

        var arrived = await sandbox.Phones.ArrivedAsync([.. messages.Select(m => (m.Phone!, m.MsgId!))], cancellationToken);
        return TypedResults.Ok(new ArrivalsView(arrived));
    }

    private static async Task<IResult> IqsAsync(string phone, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var account = await sandbox.Accounts.FindAsync(phone, cancellationToken);
        return account is null
            ? JsonBody.Error($"No account with phone {phone}.", 404, "phone")
            : TypedResults.Ok(sandbox.Network.Iqs.Of(account.Phone));
    }

    private static async Task<IResult> LoadAsync(HttpRequest request, SandboxRuntime sandbox, CancellationToken cancellationToken)
    {
        var (body, error) = await JsonBody.ReadAsync<LoadRequest>(request, cancellationToken);
        if (body is null)
        {
            return error!;
        }

        if (body.Pairs is not { Count: > 0 and <= 10_000 })
        {
            return JsonBody.Error("pairs must list 1 to 10000 {from, to} pairs.", param: "pairs");
        }

        if (body.Rate is not (> 0 and <= 10_000))
        {
            return JsonBody.Error("rate must be more than 0 and at most 10000 messages per second.", param: "rate");
        }

        if (body.Seconds is not (> 0 and <= 600) || body.Rate * body.Seconds > MaxLoadMessages)
        {
            return JsonBody.Error($"seconds must be more than 0 and at most 600, and rate × seconds at most {MaxLoadMessages}.", param: "seconds");
        }

        var pairs = new List<(SandboxAccount, SandboxAccount)>(body.Pairs.Count);
        foreach (var pair in body.Pairs)
        {
            var from = await sandbox.Accounts.FindAsync(pair.From ?? "", cancellationToken);
            if (from is null)
            {
                return JsonBody.Error($"No account with phone {pair.From}.", 404, "pairs");
            }

            try
            {
                pairs.Add((from, await ControlEndpoints.FindRecipientAsync(sandbox, pair.To, cancellationToken)));
            }
            catch (SandboxInputException ex)
            {
                return JsonBody.Error(ex.Message, ex.StatusCode, "pairs");
            }
        }

        var run = await new InboundLoad(sandbox.Phones).RunAsync(pairs, body.Rate.Value, (int)Math.Round(body.Rate.Value * body.Seconds.Value), cancellationToken);
        return TypedResults.Ok(new LoadView(
            run.Messages.Count(m => m.Error is null),
            run.Messages.Where(m => m.Error is not null).Select(m => m.Error!).Distinct().Take(10).ToList(),
            run.LatestStartMs,
            run.LatestRoutedMs,
            run.PrepareMs,
            run.CpuMs,
            run.Messages.Where(m => m.Error is null).Select(m => new LoadedMessage(m.MsgId, m.To, m.RoutedAtMicros)).ToList()));
    }
}

/// <summary>The messages a driver waits for: each a virtual phone and a message id.</summary>
public sealed record ArrivalsRequest([property: JsonPropertyName("messages")] IReadOnlyList<ArrivalQuery>? Messages);

/// <summary>One awaited message: the phone that should receive it and its id.</summary>
public sealed record ArrivalQuery([property: JsonPropertyName("phone")] string? Phone, [property: JsonPropertyName("msg_id")] string? MsgId);

/// <summary>The ids, of those asked, that their phones have received and decrypted.</summary>
public sealed record ArrivalsView([property: JsonPropertyName("arrived")] IReadOnlyList<string> Arrived);

/// <summary>A load run: <c>pairs</c> of sender phone and recipient, <c>rate</c> per second, for <c>seconds</c>.</summary>
public sealed record LoadRequest(
    [property: JsonPropertyName("pairs")] IReadOnlyList<LoadPair>? Pairs,
    [property: JsonPropertyName("rate")] double? Rate,
    [property: JsonPropertyName("seconds")] double? Seconds);

/// <summary>One sender phone and its recipient (a phone number or JID).</summary>
public sealed record LoadPair([property: JsonPropertyName("from")] string? From, [property: JsonPropertyName("to")] string? To);

/// <summary>What a load run did.</summary>
public sealed record LoadView(
    [property: JsonPropertyName("sent")] int Sent,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors,
    [property: JsonPropertyName("latest_start_ms")] double LatestStartMs,
    [property: JsonPropertyName("latest_routed_ms")] double LatestRoutedMs,
    [property: JsonPropertyName("prepare_ms")] double PrepareMs,
    [property: JsonPropertyName("cpu_ms")] double CpuMs,
    [property: JsonPropertyName("messages")] IReadOnlyList<LoadedMessage> Messages);

/// <summary>One message of a load run and when the server routed it (Unix microseconds).</summary>
public sealed record LoadedMessage(
    [property: JsonPropertyName("msg_id")] string MsgId,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("routed_at_us")] long RoutedAtMicros);
