using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace WaEngine.Api.Media;

/// <summary>
/// Reads a video's first frame as the message's <c>jpegThumbnail</c> — 32 pixels wide in the video's proportions, as
/// Baileys' <c>generateThumbnail</c> makes it with <c>ffmpeg -ss 00:00:00 -vf scale=32:-1 -vframes 1</c> — and its
/// duration and dimensions, by running ffmpeg (<see cref="MediaOptions.Ffmpeg"/>) as a child process on the plaintext
/// copy the send keeps on disk. The video is never loaded here: ffmpeg reads the file, the JPEG comes back on its
/// standard output (at most <see cref="MaxThumbnailBytes"/>), and what ffmpeg says about the input is read from the
/// first <see cref="MaxLogBytes"/> of its standard error. Only the file protocol and the MP4/QuickTime demuxer are
/// allowed, so a hostile file cannot make ffmpeg open other files or the network. Past
/// <see cref="MediaOptions.FfmpegTimeout"/> the process is killed. Nothing here throws for a failure: ffmpeg that is
/// missing, fails, is slow or answers too much gives <see cref="VideoFacts.Problem"/> and no thumbnail.
/// </summary>
public sealed partial class VideoFrameReader
{
    /// <summary>The thumbnail's width in pixels (Baileys').</summary>
    public const int Width = 32;

    /// <summary>The largest thumbnail taken from ffmpeg's output; more and there is none.</summary>
    public const int MaxThumbnailBytes = 64 * 1024;

    /// <summary>How much of ffmpeg's log is kept to read the input's duration and dimensions from.</summary>
    public const int MaxLogBytes = 32 * 1024;

    private readonly string _ffmpeg;
    private readonly TimeSpan _timeout;

    /// <summary>A reader running <paramref name="ffmpeg"/> (a path, or a name looked up on PATH) for at most <paramref name="timeout"/> a video.</summary>
    public VideoFrameReader(string ffmpeg, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ffmpeg);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _ffmpeg = ffmpeg;
        _timeout = timeout;
    }

    /// <summary>The reader <paramref name="options"/> ask for, or null when ffmpeg is turned off (an empty <see cref="MediaOptions.Ffmpeg"/>).</summary>
    public static VideoFrameReader? From(MediaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Ffmpeg) ? null : new VideoFrameReader(options.Ffmpeg, options.FfmpegTimeout);
    }

    /// <summary>The thumbnail, duration and dimensions of the video at <paramref name="path"/>, as far as ffmpeg could read them.</summary>
    public async Task<VideoFacts> ReadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var process = new Process { StartInfo = StartInfo(path) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new VideoFacts { Problem = $"ffmpeg could not start ('{_ffmpeg}': {ex.Message})" };
        }

        process.StandardInput.Close();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        var output = ReadBoundedAsync(process.StandardOutput.BaseStream, MaxThumbnailBytes, drain: false, deadline.Token);
        var log = ReadBoundedAsync(process.StandardError.BaseStream, MaxLogBytes, drain: true, deadline.Token);
        try
        {
            var (jpeg, complete) = await output.ConfigureAwait(false);
            if (!complete)
            {
                Kill(process);
            }

            var (logBytes, _) = await log.ConfigureAwait(false);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            var facts = ParseLog(Encoding.UTF8.GetString(logBytes));
            if (!complete)
            {
                return facts with { Problem = $"ffmpeg wrote more than {MaxThumbnailBytes} bytes for one frame" };
            }

            if (process.ExitCode != 0 || !IsJpeg(jpeg))
            {
                return facts with { Problem = $"ffmpeg gave no frame (exit code {process.ExitCode}{LastLine(logBytes)})" };
            }

            return facts with { Thumbnail = jpeg };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            return new VideoFacts { Problem = $"ffmpeg took longer than {_timeout.TotalSeconds:0.#} s" };
        }
        finally
        {
            // Never leave a child behind: killed (with anything it started), its pipes closed, its exit reaped.
            Kill(process);
            await SettleAsync(output).ConfigureAwait(false);
            await SettleAsync(log).ConfigureAwait(false);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The duration (whole seconds, rounded up) and the first video stream's dimensions in ffmpeg's log of the input.</summary>
    public static VideoFacts ParseLog(string log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var input = log.IndexOf("Input #0", StringComparison.Ordinal);
        if (input < 0)
        {
            return new VideoFacts();
        }

        // Only the input's description: the output's streams (the 32-pixel frame) are listed after it.
        var end = log.IndexOf("Stream mapping:", input, StringComparison.Ordinal) is var mapping and >= 0 ? mapping : log.Length;
        var section = log[input..end];
        uint? seconds = null;
        if (DurationPattern().Match(section) is { Success: true } duration)
        {
            var total = int.Parse(duration.Groups[1].Value, CultureInfo.InvariantCulture) * 3600
                + int.Parse(duration.Groups[2].Value, CultureInfo.InvariantCulture) * 60
                + decimal.Parse(duration.Groups[3].Value, CultureInfo.InvariantCulture);
            seconds = total > 0 ? (uint)Math.Ceiling(total) : null;
        }

        uint? width = null, height = null;
        var lines = section.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var video = line.IndexOf(": Video: ", StringComparison.Ordinal);
            if (!line.TrimStart().StartsWith("Stream #0:", StringComparison.Ordinal) || video < 0)
            {
                continue;
            }

            if (SizePattern().Match(line, video) is { Success: true } size)
            {
                (width, height) = (uint.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture), uint.Parse(size.Groups[2].Value, CultureInfo.InvariantCulture));

                // The stream's side data (the lines up to the next stream) may say it is shown turned by a quarter (a
                // phone's portrait video, stored landscape): the message carries the dimensions as shown.
                for (var j = i + 1; j < lines.Length && !lines[j].TrimStart().StartsWith("Stream #", StringComparison.Ordinal); j++)
                {
                    if (RotationPattern().Match(lines[j]) is { Success: true } rotation
                        && double.TryParse(rotation.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var degrees)
                        && Math.Abs(Math.Abs(Math.IEEERemainder(degrees, 180)) - 90) < 1)
                    {
                        (width, height) = (height, width);
                        break;
                    }
                }
            }

            break;
        }

        return new VideoFacts { Seconds = seconds, Width = width, Height = height };
    }

    private ProcessStartInfo StartInfo(string path)
    {
        var info = new ProcessStartInfo(_ffmpeg)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in new[]
        {
            "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-threads", "1",
            "-protocol_whitelist", "file", "-f", "mov", "-ss", "0", "-i", "file:" + Path.GetFullPath(path),
            "-map", "0:v:0", "-frames:v", "1", "-vf", $"scale={Width}:-1", "-f", "image2pipe", "-c:v", "mjpeg", "pipe:1",
        })
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    // Reads up to limit bytes; with drain, whatever follows is read and dropped (so the writer never blocks), without
    // it reading stops there and the answer says the stream did not end within the limit.
    private static async Task<(byte[] Bytes, bool Complete)> ReadBoundedAsync(Stream stream, int limit, bool drain, CancellationToken cancellationToken)
    {
        var kept = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var keep = (int)Math.Min(read, limit - kept.Length);
            kept.Write(buffer, 0, keep);
            if (keep < read && !drain)
            {
                return (kept.ToArray(), false);
            }
        }

        return (kept.ToArray(), true);
    }

    private static async Task SettleAsync(Task reading)
    {
        try
        {
            await reading.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // Cut short by the deadline or the kill; what it read no longer matters.
        }
    }

    private static bool IsJpeg(byte[] bytes) =>
        bytes.Length > 4 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[^2] == 0xFF && bytes[^1] == 0xD9;

    private static string LastLine(byte[] log)
    {
        var lines = Encoding.UTF8.GetString(log).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? string.Empty : ": " + lines[^1][..Math.Min(lines[^1].Length, 200)];
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill: nothing left to end.
        }
    }

    [GeneratedRegex(@"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"(?<![\w.])([1-9]\d{0,4})x([1-9]\d{0,4})(?![\w.])", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"displaymatrix: rotation of (-?\d+(?:\.\d+)?) degrees", RegexOptions.CultureInvariant)]
    private static partial Regex RotationPattern();
}
