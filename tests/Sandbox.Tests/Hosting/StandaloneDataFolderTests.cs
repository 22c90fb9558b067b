using WaEngine.TestKit;

namespace WaEngine.Sandbox.Tests.Hosting;

/// <summary>
/// The standalone sandbox, started as its own process the way a user starts it, keeps its data where it was told, else
/// in ./data/sandbox under the working directory, and never in the source tree.
/// </summary>
public class StandaloneDataFolderTests
{
    public static TheoryData<string> Ways => ["argument", "sandbox-variable", "service-variable", "working-directory", "relative-argument"];

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task The_program_keeps_its_data_where_it_was_told_and_nowhere_else(string way)
    {
        using var root = new TempFolder();
        var workingDirectory = Directory.CreateDirectory(Path.Combine(root.Path, "cwd")).FullName;
        var candidates = new Dictionary<string, string>
        {
            ["argument"] = Path.Combine(root.Path, "by-argument"),
            ["sandbox-variable"] = Path.Combine(root.Path, "by-sandbox-variable"),
            ["service-variable"] = Path.Combine(root.Path, "by-service-variable", "sandbox"),
            ["working-directory"] = Path.Combine(workingDirectory, "data", "sandbox"),
            ["relative-argument"] = Path.Combine(workingDirectory, "relative", "sandbox"),
        };
        var arguments = new List<string>();
        var environment = new Dictionary<string, string>();
        switch (way)
        {
            case "argument":
                arguments.AddRange(["--data", candidates["argument"]]);
                environment["WAENGINE_SANDBOX_DATA"] = candidates["sandbox-variable"];
                environment["WAENGINE_DATA"] = Path.Combine(root.Path, "by-service-variable");
                break;
            case "sandbox-variable":
                environment["WAENGINE_SANDBOX_DATA"] = candidates["sandbox-variable"];
                environment["WAENGINE_DATA"] = Path.Combine(root.Path, "by-service-variable");
                break;
            case "service-variable":
                environment["WAENGINE_DATA"] = Path.Combine(root.Path, "by-service-variable");
                break;
            case "relative-argument":
                arguments.AddRange(["--data", Path.Combine("relative", "sandbox")]);
                break;
        }

        await using (var sandbox = await SandboxProcess.StartAsync(workingDirectory, arguments, environment))
        {
            await CreateAccountAsync(sandbox);
            Assert.Contains($"Sandbox data folder {candidates[way]}", sandbox.Output);
        }

        Assert.True(File.Exists(Path.Combine(candidates[way], "sandbox.db")), $"no sandbox.db in {candidates[way]}");
        foreach (var (other, folder) in candidates.Where(c => c.Key != way))
        {
            Assert.False(Directory.Exists(folder), $"{other}: {folder} was written although {way} chose the folder");
        }
    }

    /// <summary>
    /// <c>dotnet run</c> starts a program in its project folder unless the project says otherwise, which put the data in
    /// src/Sandbox/data. Run here from a temporary folder standing in for the repository root (so the test writes nothing
    /// into the checkout), the data lands under the folder it was run from.
    /// </summary>
    [Fact]
    public async Task Dotnet_run_keeps_the_data_under_the_directory_it_was_run_from_not_in_src_sandbox()
    {
        using var root = new TempFolder();
        var inSource = Path.Combine(SandboxProcess.ProjectFolder, "data");
        var inSourceBefore = Snapshot(inSource);

        await using (var sandbox = await SandboxProcess.StartWithDotnetRunAsync(root.Path))
        {
            await CreateAccountAsync(sandbox);
            Assert.Contains($"Sandbox data folder {Path.Combine(root.Path, "data", "sandbox")}", sandbox.Output);
        }

        Assert.True(File.Exists(Path.Combine(root.Path, "data", "sandbox", "sandbox.db")));
        Assert.Equal(inSourceBefore, Snapshot(inSource));
    }

    /// <summary>Every file under <paramref name="folder"/> with its size and last write (empty if there is no such folder).</summary>
    private static List<string> Snapshot(string folder) =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => $"{f} {new FileInfo(f).Length} {File.GetLastWriteTimeUtc(f):O}")]
            : [];

    private static async Task CreateAccountAsync(SandboxProcess sandbox)
    {
        var response = await sandbox.Http.PostAsync("/sandbox/accounts", new StringContent("""{"phone":"+15550001111"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }
}
