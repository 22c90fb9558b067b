using System.Security.Cryptography;

namespace WaEngine.Api.Hosting;

/// <summary>The admin key the service runs with, for the admin filter.</summary>
/// <param name="Value">The key.</param>
public sealed record AdminKeyHolder(string Value);

/// <summary>
/// The admin key: <c>WAENGINE_ADMIN_KEY</c> if set; otherwise generated on first start, kept in the data
/// folder with mode 0600, and printed once on the console.
/// </summary>
public static class AdminKey
{
    private const string FileName = "admin.key";

    /// <summary>The shortest admin key the service takes (a generated one has 74 characters).</summary>
    public const int MinimumLength = 24;

    /// <summary>Returns the admin key, creating and announcing it when the service starts for the first time.</summary>
    /// <exception cref="InvalidOperationException">A configured key is shorter than <see cref="MinimumLength"/>.</exception>
    public static string EnsureAndAnnounce(DataFolder data, IConfiguration configuration)
    {
        var configured = configuration["WAENGINE_ADMIN_KEY"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var trimmed = configured.Trim();
            if (trimmed.Length < MinimumLength)
            {
                throw new InvalidOperationException(
                    $"WAENGINE_ADMIN_KEY has {trimmed.Length} characters; it must have at least {MinimumLength} (it guards every line). Unset it to have one generated.");
            }

            return trimmed;
        }

        var path = Path.Combine(data.Path, FileName);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var key = "wae_admin_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(path, options)))
        {
            writer.Write(key);
        }

        // Printed once, on the console only (never through the logger, whose sinks may be shipped elsewhere).
        Console.WriteLine($"WaEngine admin key (shown once, kept in {path}): {key}");
        return key;
    }
}
