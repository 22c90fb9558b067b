using WaEngine.Api.Endpoints;
using WaEngine.Api.Hosting;

namespace WaEngine.Api.Tests.Hosting;

public class DashboardFilesTests
{
    [Fact]
    public void Every_file_of_src_Api_Dashboard_is_embedded_with_its_type_and_a_strong_etag()
    {
        var files = DashboardFiles.Load(typeof(DashboardEndpoints).Assembly);
        var onDisk = Directory.EnumerateFiles(Path.Combine(TestKit.RepoPaths.Root, "src", "Api", "Dashboard"))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(onDisk, files.Names.Order(StringComparer.Ordinal));

        var page = files.Find("index.html")!;
        Assert.Equal("text/html; charset=utf-8", page.ContentType);
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestKit.RepoPaths.Root, "src", "Api", "Dashboard", "index.html")), page.Content);
        Assert.Matches("^\"[0-9a-f]{24}\"$", page.ETag);
        Assert.Equal("text/javascript; charset=utf-8", files.Find("app.js")!.ContentType);
        Assert.Equal("text/css; charset=utf-8", files.Find("style.css")!.ContentType);
        Assert.Equal("image/svg+xml", files.Find("icon.svg")!.ContentType);
        Assert.NotEqual(files.Find("app.js")!.ETag, files.Find("api.js")!.ETag);
        Assert.Null(files.Find("../Program.cs"));
        Assert.Null(files.Find(null));
    }
}
