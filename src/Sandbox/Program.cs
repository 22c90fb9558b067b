using WaEngine.Sandbox.Hosting;
using WaEngine.Store;

// Standalone sandbox: dotnet run --project src/Sandbox -- --urls http://127.0.0.1:PORT [--data DIR] [--lenient]
// Settings files are read from beside the program; the data folder is resolved against the working directory (which
// `dotnet run` keeps as the directory it was started from: RunWorkingDirectory in Sandbox.csproj), never the source tree.
// --lenient (a switch without a value, which the configuration's command-line reader cannot take) logs rule breaches
// instead of refusing them; Sandbox__Strict=false does the same.
var lenient = args.Contains("--lenient", StringComparer.Ordinal);
args = [.. args.Where(a => a != "--lenient")];
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var dataArgument = new ConfigurationBuilder().AddCommandLine(args).Build()["data"];
var data = SandboxDataFolder.Resolve(dataArgument, builder.Configuration["WAENGINE_SANDBOX_DATA"], builder.Configuration["WAENGINE_DATA"], Environment.CurrentDirectory);
PrivateFiles.Secure(data);
builder.Services.AddSandbox(SandboxOptions.FromConfiguration(data, builder.Configuration, lenient));
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
