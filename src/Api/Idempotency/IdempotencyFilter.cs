using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using WaEngine.Api.Auth;
using WaEngine.Api.Errors;
using WaEngine.Api.Hosting;
using WaEngine.Store.Registry;

namespace WaEngine.Api.Idempotency;

/// <summary>
/// Honours an <c>Idempotency-Key</c> header on POST (CONTRACT.md §3): the first successful (2xx) answer is kept for
/// <see cref="ApiOptions.IdempotencyRetention"/> and replayed, with <c>Idempotent-Replayed: true</c>, for a repeat with the
/// same key, path and body, which then does nothing again. The same key with a different request is a 422; a repeat
/// while the first is still running is a 409. Error answers are not kept (the request changed nothing), so a fixed
/// request may reuse its key. Keys belong to their caller: the admin, or one line (surviving token rotation).
/// Runs after the authentication filter, so keys of unauthenticated requests are never looked at.
/// </summary>
public sealed partial class IdempotencyFilter(LineRegistry registry, IOptions<ApiOptions> options, TimeProvider time, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    /// <summary>The request header.</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>The header set on a replayed answer.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    private const int MaxKeyLength = 255;
    private readonly ConcurrentDictionary<(string Scope, string Key), byte> _running = new();

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.Headers.TryGetValue(Header, out var values))
        {
            return await next(context).ConfigureAwait(false);
        }

        var key = values.ToString();
        if (CheckKey(key) is { } wrong)
        {
            return ApiResults.BadRequest(http, wrong, Header);
        }

        var scope = http.Items[LineTokenFilter.LineKey] is LineRecord line ? $"line:{line.Id}" : "admin";
        var hash = await HashAsync(http).ConfigureAwait(false);
        var stored = await registry.Idempotency.FindAsync(scope, key, time.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
        if (stored is not null)
        {
            return Replay(http, stored, hash);
        }

        if (!_running.TryAdd((scope, key), 0))
        {
            return ApiResults.Error(http, StatusCodes.Status409Conflict, ErrorCodes.IdempotencyInProgress,
                $"A request with Idempotency-Key '{key}' is still being processed; repeat it once that one has answered.", Header);
        }

        try
        {
            // A request that raced this one may have finished between the lookup and the claim.
            stored = await registry.Idempotency.FindAsync(scope, key, time.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
            if (stored is not null)
            {
                return Replay(http, stored, hash);
            }

            var result = await next(context).ConfigureAwait(false);
            if (result is not IResult answer)
            {
                return result;
            }

            await ExecuteAndKeepAsync(http, answer, scope, key, hash).ConfigureAwait(false);
            return Results.Empty;
        }
        finally
        {
            _running.TryRemove((scope, key), out _);
        }
    }

    /// <summary>Why <paramref name="key"/> is not a usable key, or null: 1 to 255 printable ASCII characters.</summary>
    public static string? CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is 0 or > MaxKeyLength)
        {
            return $"Idempotency-Key must be 1 to {MaxKeyLength} characters long (it has {key.Length}).";
        }

        return key.Any(c => c is < '!' or > '~') ? "Idempotency-Key may hold only printable ASCII characters without spaces (a UUID is a good key)." : null;
    }

    private static async Task<string> HashAsync(HttpContext http)
    {
        // Buffered to a temporary file past 30 KB and hashed as it streams: a large media body is not held in memory here.
        http.Request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}\n"));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
        {
            sha.AppendData(chunk, 0, read);
        }

        http.Request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private IResult Replay(HttpContext http, IdempotencyRecord stored, string hash)
    {
        if (!string.Equals(stored.RequestHash, hash, StringComparison.Ordinal))
        {
            return ApiResults.Error(http, StatusCodes.Status422UnprocessableEntity, ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was already used for a different request (another path or body); use a new key for a new request.", Header);
        }

        LogReplayed(http.Request.Path, stored.Status);
        http.Response.Headers[ReplayedHeader] = "true";
        return Results.Text(Encoding.UTF8.GetString(stored.Body), stored.ContentType, Encoding.UTF8, stored.Status);
    }

    private async Task ExecuteAndKeepAsync(HttpContext http, IResult answer, string scope, string key, string hash)
    {
        var original = http.Response.Body;
        using var captured = new MemoryStream();
        http.Response.Body = captured;
        try
        {
            await answer.ExecuteAsync(http).ConfigureAwait(false);
        }
        finally
        {
            http.Response.Body = original;
        }

        var status = http.Response.StatusCode;
        if (status is >= 200 and < 300)
        {
            var now = time.GetUtcNow();
            var record = new IdempotencyRecord(hash, status, http.Response.ContentType, captured.ToArray(), now, now + options.Value.IdempotencyRetention);

            // Kept even when the caller has gone: the request took effect, and its repeat must not do it again.
            try
            {
                await registry.Idempotency.SaveAsync(scope, key, record, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (WaEngine.Store.StorageFull.Is(ex, http.RequestServices.GetRequiredService<Hosting.DataFolder>().Path))
            {
                // The request took effect: answering 507 would invite a repeat that does it twice. Its answer stands.
                LogNotKept(http.Request.Path);
            }
        }

        captured.Position = 0;
        await captured.CopyToAsync(original, http.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed the kept answer {Status} for a repeated Idempotency-Key on {Path}")]
    private partial void LogReplayed(string path, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The disk is full: the answer to {Path} stands but its Idempotency-Key could not be kept")]
    private partial void LogNotKept(string path);
}
