using WaEngine.Api.Auth;
using WaEngine.Api.Conversation;
using WaEngine.Api.Docs;
using WaEngine.Api.Endpoints;
using WaEngine.Api.Errors;
using WaEngine.Api.Hosting;
using WaEngine.Api.Idempotency;
using WaEngine.Api.Observability;
using WaEngine.Api.Media;
using WaEngine.Api.RateLimiting;
using WaEngine.Api.Sessions;
using WaEngine.Api.State;
using WaEngine.Api.Webhooks;
using WaEngine.Sandbox.Hosting;
using WaEngine.Store;
using WaEngine.Store.Registry;

var (sandbox, arguments) = SandboxMode.Detect(args);
// appsettings.json is read from beside the program, whatever the working directory (./data stays relative to it).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = arguments, ContentRootPath = AppContext.BaseDirectory });
var dataFolder = DataFolder.Prepare(builder.Configuration);
string adminKey;
try
{
    adminKey = AdminKey.EnsureAndAnnounce(dataFolder, builder.Configuration);
    LogFormat.Apply(builder.Logging, builder.Configuration);
}
catch (InvalidOperationException wrong)
{
    await Console.Error.WriteLineAsync($"waengine: cannot start: {wrong.Message}");
    return 2;
}

var registry = await LineRegistry.OpenAsync(dataFolder.Path, TimeProvider.System, CancellationToken.None);
// A wrong WhatsApp__Url, WhatsApp__TrustedRootKey (both unused in sandbox mode) or WhatsApp__PresencePulse stops the
// service at start with the reason, not at the first call.
try
{
    if (!sandbox)
    {
        WhatsAppConnection.Validate(builder.Configuration);
    }

    WhatsAppConnection.PresencePulseOf(builder.Configuration);
}
catch (InvalidOperationException wrong)
{
    await Console.Error.WriteLineAsync($"waengine: cannot start: {wrong.Message}");
    return 2;
}

WebhookOptions webhookOptions;
SqliteSynchronous storeSynchronous;
try
{
    webhookOptions = WebhookOptions.FromConfiguration(builder.Configuration);
    storeSynchronous = StoreSettings.SynchronousOf(builder.Configuration);
    builder.Services.AddWhatsAppVersion(builder.Configuration, sandbox);
}
catch (InvalidOperationException wrong)
{
    await Console.Error.WriteLineAsync($"waengine: cannot start: {wrong.Message}");
    return 2;
}

builder.Services.AddSingleton(dataFolder);
builder.Services.AddSingleton(new AdminKeyHolder(adminKey));
builder.Services.AddSingleton(registry);
builder.Services.AddSingleton<AdminKeyFilter>();
builder.Services.AddSingleton<LineTokenFilter>();
builder.Services.AddSingleton<IdempotencyFilter>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddApiOptions(builder.Configuration);
builder.Services.AddLineRateLimits();
builder.Services.AddApiDocs();
builder.Services.AddServiceMetrics();
builder.Services.AddSingleton<ReplyStateSweep>();
builder.Services.AddHostedService(services => services.GetRequiredService<ReplyStateSweep>());
builder.Services.AddMedia();
builder.Services.AddConversation();
builder.Services.AddSingleton<WaEngine.Api.Conversations.ContactCheckLimiter>();

// Line databases are opened once, by their own service; the node's line owner holds each line's actor over its
// database; the dispatcher delivers from the databases and hears from them when something was journalled.
builder.Services.AddSingleton(services => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>().Value.CreateLoginRate());
builder.Services.AddSingleton(_ => new LineDatabases(Path.Combine(dataFolder.Path, "lines"), storeSynchronous));
builder.Services.AddSingleton<ILineOwner>(services => new LocalLineOwner(
    services.GetRequiredService<LineDatabases>(),
    () => WhatsAppConnection.Options(services, builder.Configuration, sandbox) with { ReconnectPace = ReconnectPaceOf(services) },
    services.GetRequiredService<ILoggerFactory>(),
    services.GetRequiredService<TimeProvider>(),
    new RestorePace(services.GetRequiredService<LoginRate>(), services.GetRequiredService<TimeProvider>())));
builder.Services.AddSingleton(services => new WebhookDispatcher(
    registry,
    services.GetRequiredService<LineDatabases>(),
    webhookOptions,
    services.GetRequiredService<TimeProvider>(),
    services.GetRequiredService<ILoggerFactory>()));
builder.Services.AddHostedService(services => services.GetRequiredService<WebhookDispatcher>());
builder.Services.AddSingleton(services => new LineHost(
    registry,
    services.GetRequiredService<ILineOwner>(),
    services.GetRequiredService<LineDatabases>(),
    services.GetRequiredService<WebhookDispatcher>(),
    services.GetRequiredService<ILogger<LineHost>>()));
if (sandbox)
{
    builder.Services.AddSandbox(SandboxOptions.FromConfiguration(Path.Combine(dataFolder.Path, "sandbox"), builder.Configuration));
}

// Registered after the sandbox so that on shutdown the lines close first, then the sandbox, then the web server.
builder.Services.AddHostedService<LineShutdown>();
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = LineShutdown.HostTimeout);

if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8080");
}

var app = builder.Build();
if (ApiOptionsSetup.Check(app.Services) is { } wrongOptions)
{
    await Console.Error.WriteLineAsync($"waengine: cannot start: {wrongOptions}");
    return 2;
}

app.UseWebSockets();
app.UseBodyLimit();
app.UseStorageFullAnswer();
app.UseServiceMetrics(open: string.Equals(builder.Configuration["Metrics:Open"], "true", StringComparison.OrdinalIgnoreCase));
app.UseRateLimiter();
app.MapApiDocs();
app.MapDashboard();
app.MapGet("/health", (WaEngine.Engine.Pairing.WaWebVersionSource versions) => TypedResults.Ok(new HealthAnswer("ok", sandbox, versions.Current.ToString(), versions.LastError))).WithTags("Service").WithName("health").WithSummary("Liveness: the service answers");
app.MapSessionEndpoints();
app.MapPacingEndpoints();
app.MapLineEndpoints();
app.MapMessageEndpoints();
app.MapChatEndpoints();
app.MapStateEndpoints();
app.MapConversationEndpoints();
app.MapGroupEndpoints();
app.MapMediaEndpoints();
app.MapPresenceEndpoints();
if (sandbox)
{
    app.MapSandbox("/sandbox");
}

// Lines that were running when the service stopped start again once it listens.
app.Lifetime.ApplicationStarted.Register(() => _ = LineRestore.RunAsync(app.Services.GetRequiredService<LineHost>(), app.Services.GetRequiredService<VersionRefresher>(), app.Logger, app.Lifetime.ApplicationStopping));
await app.RunAsync();
return 0;

// R18: the lines' reconnects after a drop share one pace, the restore's (a server restart under a thousand lines brings
// them back spread out, not in one burst).
static WaEngine.Engine.Session.ConnectPace ReconnectPaceOf(IServiceProvider services)
{
    var rate = services.GetRequiredService<LoginRate>();
    return new(() => rate.PerSecond, services.GetRequiredService<TimeProvider>());
}
