using WaEngine.Api.Hosting;
using WaEngine.Sandbox.Hosting;

var (sandbox, arguments) = SandboxMode.Detect(args);
var builder = WebApplication.CreateBuilder(arguments);
var dataFolder = DataFolder.Prepare(builder.Configuration);
builder.Services.AddSingleton(dataFolder);
if (sandbox)
{
    builder.Services.AddSandbox(new SandboxOptions(Path.Combine(dataFolder.Path, "sandbox")));
}

if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8080");
}

var app = builder.Build();
AdminKey.EnsureAndAnnounce(dataFolder, builder.Configuration, app.Logger);
app.UseWebSockets();
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok", sandbox }));
if (sandbox)
{
    app.MapSandbox("/sandbox");
}

app.Run();
