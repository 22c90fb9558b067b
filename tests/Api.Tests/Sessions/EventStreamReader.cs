using System.Text.Json.Nodes;

namespace WaEngine.Api.Tests.Sessions;

/// <summary>Reads one <c>/api/sessions/{id}/events</c> stream event by event (comment lines skipped).</summary>
internal sealed class EventStreamReader : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public static async Task<EventStreamReader> OpenAsync(HttpClient admin, long id, CancellationToken cancellationToken)
    {
        var response = await admin.GetAsync($"/api/sessions/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStreamReader(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken)));
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }

    public async Task<(string Name, JsonNode Data)> NextAsync(CancellationToken cancellationToken)
    {
        string? name = null;
        string? data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 && name is not null)
            {
                return (name, JsonNode.Parse(data!)!);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        throw new EndOfStreamException("The event stream ended.");
    }

    /// <summary>Reads until an event named <paramref name="name"/> whose data passes <paramref name="match"/>; returns it and the names seen before it.</summary>
    public async Task<(JsonNode Data, List<string> Before)> UntilAsync(string name, Func<JsonNode, bool> match, CancellationToken cancellationToken)
    {
        var before = new List<string>();
        while (true)
        {
            var (seen, data) = await NextAsync(cancellationToken);
            if (seen == name && match(data))
            {
                return (data, before);
            }

            before.Add($"{seen}:{data.ToJsonString()}");
        }
    }
}
