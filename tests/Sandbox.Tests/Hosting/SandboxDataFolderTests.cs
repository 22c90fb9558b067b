using WaEngine.Sandbox.Hosting;

namespace WaEngine.Sandbox.Tests.Hosting;

public class SandboxDataFolderTests
{
    private static readonly string WorkingDirectory = Path.Combine(Path.GetTempPath(), "wd");

    [Theory]
    [InlineData("/srv/a", "/srv/b", "/srv/c", "/srv/a")]
    [InlineData(null, "/srv/b", "/srv/c", "/srv/b")]
    [InlineData("", " ", "/srv/c", "/srv/c/sandbox")]
    [InlineData(null, null, null, "{wd}/data/sandbox")]
    [InlineData("rel", null, null, "{wd}/rel")]
    [InlineData(null, "../up", null, "{wd}/../up")]
    [InlineData(null, null, "svc", "{wd}/svc/sandbox")]
    public void The_first_setting_given_wins_and_relative_paths_start_at_the_working_directory(string? argument, string? sandboxVariable, string? serviceVariable, string expected)
    {
        var full = Path.GetFullPath(expected.Replace("{wd}", WorkingDirectory, StringComparison.Ordinal));
        Assert.Equal(full, SandboxDataFolder.Resolve(argument, sandboxVariable, serviceVariable, WorkingDirectory));
    }

    [Fact]
    public void A_relative_working_directory_or_data_folder_is_refused()
    {
        Assert.Contains("not a full path", Assert.Throws<ArgumentException>(() => SandboxDataFolder.Resolve(null, null, null, "relative")).Message);
        Assert.Contains("not a full path", Assert.Throws<ArgumentException>(() => new SandboxOptions(Path.Combine("data", "sandbox")).Validate()).Message);
        new SandboxOptions(Path.Combine(WorkingDirectory, "data", "sandbox")).Validate();
    }
}
