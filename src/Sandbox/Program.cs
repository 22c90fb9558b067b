using WaEngine.Sandbox.Hosting;

// Standalone sandbox: dotnet run --project src/Sandbox -- --urls http://127.0.0.1:PORT [--data DIR]
var builder = WebApplication.CreateBuilder(args);
var data = builder.Configuration["data"] ?? builder.Configuration["WAENGINE_SANDBOX_DATA"] ?? Path.Combine("data", "sandbox");
builder.Services.AddSandbox(new SandboxOptions(Path.GetFullPath(data)));
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8090");
}

var app = builder.Build();
app.UseWebSockets();

// At the root, as CONTRACT.md §5 says for a standalone sandbox, and under /sandbox too so clients need one shape.
app.MapSandbox("/");
app.MapSandbox("/sandbox");
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
app.Run();
