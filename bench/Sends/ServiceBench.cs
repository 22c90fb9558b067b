using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

/// <summary>
/// The arguments every driver that measures builds of the service takes (bench/Sends, bench/First, bench/Inbound):
/// <c>--sandbox URL</c>, <c>--service NAME=PATH</c> (repeatable), <c>--data DIR</c> and <c>--clk-tck N</c>; the driver's
/// own ones go to the callback given to <see cref="Parse"/>.
/// </summary>
internal sealed class ServiceBenchArgs
{
    private readonly List<(string Name, string Assembly)> _services = [];

    public Uri? Sandbox { get; private set; }

    public IReadOnlyList<(string Name, string Assembly)> Services => _services;

    public string? Data { get; private set; }

    public long ClockTicks { get; private set; } = 100;

    /// <summary>Whether the common arguments name a sandbox and at least one build, with a positive clock tick.</summary>
    public bool IsComplete => Sandbox is not null && _services.Count > 0 && ClockTicks >= 1;

    /// <summary>
    /// Reads <paramref name="args"/> as flag/value pairs: the common flags here, any other through <paramref name="own"/>,
    /// which answers false for a flag it does not know either.
    /// </summary>
    /// <exception cref="ArgumentException">A flag without a value, an unknown flag, or a <c>--service</c> that names no file.</exception>
    public static ServiceBenchArgs Parse(string[] args, Func<string, string, bool> own)
    {
        var parsed = new ServiceBenchArgs();
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--sandbox": parsed.Sandbox = new Uri(value); break;
                case "--service":
                    var parts = value.Split('=', 2);
                    parsed._services.Add(parts.Length == 2 && File.Exists(parts[1]) ? (parts[0], parts[1]) : throw new ArgumentException($"--service takes NAME=PATH to WaEngine.Api.dll; '{value}' is not one."));
                    break;
                case "--data": parsed.Data = value; break;
                case "--clk-tck": parsed.ClockTicks = long.Parse(value, CultureInfo.InvariantCulture); break;
                default:
                    if (!own(args[i], value))
                    {
                        throw new ArgumentException($"Unknown argument {args[i]}.");
                    }

                    break;
            }
        }

        return parsed;
    }
}

/// <summary>
/// One run of a service bench driver: the standalone sandbox it measures against (its websocket address and root key),
/// a data folder, each build measured in turn and one JSON object printed on stdout at the end.
/// </summary>
internal sealed class ServiceBench : IDisposable
{
    private readonly ServiceBenchArgs _args;

    private ServiceBench(ServiceBenchArgs args, HttpClient sandbox, Uri wsUrl, string rootKey, string data)
    {
        _args = args;
        Sandbox = sandbox;
        WsUrl = wsUrl;
        RootKey = rootKey;
        Data = data;
    }

    /// <summary>The sandbox's control API.</summary>
    public HttpClient Sandbox { get; }

    public Uri WsUrl { get; }

    public string RootKey { get; }

    /// <summary>Where the builds keep their data: <c>--data</c>, else a temporary folder removed at the end.</summary>
    public string Data { get; }

    /// <summary>Reads the sandbox's address and root key (<c>/sandbox/info</c>); <paramref name="kind"/> names the temporary data folder.</summary>
    public static async Task<ServiceBench> OpenAsync(ServiceBenchArgs args, string kind, TimeSpan sandboxTimeout)
    {
        ProcSample.TicksPerSecond = args.ClockTicks;
        var data = args.Data ?? Path.Combine(Path.GetTempPath(), $"waengine-{kind}-{Environment.ProcessId}");
        var sandbox = new HttpClient { BaseAddress = args.Sandbox, Timeout = sandboxTimeout };
        var info = (await sandbox.GetFromJsonAsync<JsonNode>("/sandbox/info"))!;
        return new ServiceBench(args, sandbox, new Uri(info["ws_url"]!.GetValue<string>()), info["root_public_key"]!.GetValue<string>(), data);
    }

    /// <summary>
    /// Measures each build one after the other (each alone on the machine) and prints <paramref name="head"/> with the
    /// results under <c>services</c>; the temporary data folder goes afterwards.
    /// </summary>
    public async Task MeasureEachAsync(JsonObject head, Func<string, string, int, Task<JsonNode>> measure)
    {
        var results = new JsonArray();
        for (var index = 0; index < _args.Services.Count; index++)
        {
            var (name, assembly) = _args.Services[index];
            results.Add(await measure(name, assembly, index));
        }

        head["services"] = results;
        Console.WriteLine(head.ToJsonString());
        if (_args.Data is null)
        {
            Directory.Delete(Data, recursive: true);
        }
    }

    public void Dispose() => Sandbox.Dispose();
}
