using System.Globalization;

namespace WaEngine.Api.Media;

/// <summary>Sizes as people read them.</summary>
public static class MediaSizes
{
    /// <summary><c>5 MB (5242880 bytes)</c>, <c>100 KB (102400 bytes)</c>.</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MB ({bytes} bytes)"),
        >= 1024 when bytes % 1024 == 0 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024} KB ({bytes} bytes)"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
