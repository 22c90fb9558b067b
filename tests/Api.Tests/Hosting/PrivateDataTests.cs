using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaEngine.TestKit;

namespace WaEngine.Api.Tests.Hosting;

/// <summary>
/// The data folder holds every line's messages and Signal private keys: only the service's user may read it (folders
/// 0700, files 0600, SQLite's WAL and shared-memory files included), whatever an older version or a copy left there.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class PrivateDataTests
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [Fact]
    public async Task Every_folder_and_file_the_service_and_its_sandbox_keep_is_private_to_its_user()
    {
        using var data = new TempFolder();
        File.SetUnixFileMode(data.Path, (UnixFileMode)0b111_101_101);
        var leftOver = Path.Combine(data.Path, "old", "left-by-an-older-version.db");
        Directory.CreateDirectory(Path.GetDirectoryName(leftOver)!, (UnixFileMode)0b111_101_101);
        await File.WriteAllTextAsync(leftOver, "x");
        File.SetUnixFileMode(leftOver, (UnixFileMode)0b110_100_100);

        await using (var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"]))
        {
            using var admin = ApiClients.Admin(service, data.Path);
            var (id, token) = await ApiClients.CreateLineAsync(admin, "private", start: true);
            await ApiClients.PairAsync(service, admin, id, token, "15550008201");
            await ApiClients.AddPhoneAsync(service, "15550008202");
            using var line = ApiClients.Line(service, token);
            var sent = await line.PostAsJsonAsync("/api/messages/send", new { to = "15550008202", text = "written to the line's database" });
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());

            // While the service runs, its databases are open in WAL mode: the -wal and -shm files exist now.
            var files = Directory.EnumerateFiles(data.Path, "*", SearchOption.AllDirectories).ToList();
            Assert.Contains(files, f => f.EndsWith("-wal", StringComparison.Ordinal));
            Assert.Contains(files, f => f.EndsWith("-shm", StringComparison.Ordinal));
            AssertPrivate(data.Path);
        }

        AssertPrivate(data.Path);
    }

    [Fact]
    public async Task A_copy_of_the_data_folder_yields_no_working_token_and_the_log_holds_none()
    {
        using var data = new TempFolder();
        string token;
        string[] tokens;
        string output;
        await using (var service = await ServiceProcess.StartAsync(data.Path))
        {
            using var admin = ApiClients.Admin(service, data.Path);
            (_, token) = await ApiClients.CreateLineAsync(admin, "copied", start: false);
            var rotated = await admin.PostAsync("/api/sessions/1/token", null);
            Assert.True(rotated.IsSuccessStatusCode);
            var second = (await rotated.Content.ReadFromJsonAsync<JsonNode>())!["token"]!.GetValue<string>();
            Assert.NotEqual(token, second);
            tokens = [token, second];
            output = service.Output;
        }

        // Neither the token nor its secret part appears in any file, as text or as UTF-16, nor in the log.
        foreach (var secret in tokens.Select(t => t[(t.IndexOf('_', StringComparison.Ordinal) + 1)..]))
        {
            foreach (var file in Directory.EnumerateFiles(data.Path, "*", SearchOption.AllDirectories))
            {
                var bytes = await File.ReadAllBytesAsync(file);
                foreach (var needle in new[] { System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.Unicode.GetBytes(secret) })
                {
                    Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{file} holds a token");
                }
            }

            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Json_logs_are_one_object_per_line_and_a_lines_entries_carry_its_id()
    {
        using var data = new TempFolder();
        await using var service = await ServiceProcess.StartAsync(data.Path, ["--sandbox"], new Dictionary<string, string> { ["Logging__Format"] = "json" });
        using var admin = ApiClients.Admin(service, data.Path);
        var (id, _) = await ApiClients.CreateLineAsync(admin, "json-logged", start: true);
        await ApiClients.PollAsync(async () =>
        {
            var view = await admin.GetFromJsonAsync<JsonNode>($"/api/sessions/{id}");
            return view!["status"]!.GetValue<string>() == "scan_qr" ? view : null;
        }, "the line showing a QR");

        var entries = await ApiClients.PollAsync(() =>
        {
            var lines = service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => !l.StartsWith("WaEngine admin key", StringComparison.Ordinal))
                .ToList();
            return Task.FromResult(lines.Any(l => l.Contains("\"LineId\"", StringComparison.Ordinal)) ? lines : null);
        }, "a log entry of the line");

        foreach (var entry in entries)
        {
            using var parsed = JsonDocument.Parse(entry);
            Assert.True(parsed.RootElement.TryGetProperty("Timestamp", out var timestamp), entry);
            Assert.EndsWith("Z", timestamp.GetString(), StringComparison.Ordinal);
            Assert.True(parsed.RootElement.TryGetProperty("LogLevel", out _), entry);
        }

        var ofTheLine = entries.Select(e => JsonNode.Parse(e)!).First(e => e.ToJsonString().Contains("\"LineId\"", StringComparison.Ordinal));
        Assert.Contains(ofTheLine["Scopes"]!.AsArray(), scope => scope?["LineId"]?.GetValue<string>() == id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void AssertPrivate(string root)
    {
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(root));
        foreach (var entry in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            Assert.True((entry.UnixFileMode & GroupOrOther) == 0, $"{entry.FullName} is {Convert.ToString((int)entry.UnixFileMode, 8)}");
        }
    }
}
