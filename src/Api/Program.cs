using WaEngine.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
var dataFolder = DataFolder.Prepare(builder.Configuration);
builder.Services.AddSingleton(dataFolder);
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8080");
}

var app = builder.Build();
AdminKey.EnsureAndAnnounce(dataFolder, builder.Configuration, app.Logger);
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
app.Run();
