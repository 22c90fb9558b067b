using System.Diagnostics;

namespace WaEngine.Api.Tests.Media;

/// <summary>
/// Real media made at test time by Debian's ffmpeg (an encoder independent of everything the service uses to read
/// them: its own MP4 muxer and MPEG-4 encoder for videos, libopus and its own Ogg muxer for voice notes). .ci/run
/// installs ffmpeg from apt as it installs chromium; without it these tests fail saying so, never skip.
/// </summary>
internal static class FfmpegFiles
{
    /// <summary>An MP4 video (MPEG-4 part 2, <c>moov</c> first) of <paramref name="seconds"/>, the left half red and the right half blue.</summary>
    /// With <paramref name="rotate"/> (degrees), the file is then copied (stream copy, as ffmpeg writes a rotation only
    /// then) with that rotation in the track header's matrix, as a phone stores a portrait video landscape.
    public static byte[] Video(string folder, int width, int height, double seconds, bool fragmented = false, int? rotate = null)
    {
        var plain = Make(folder, "video.mp4",
            "-f", "lavfi", "-i", $"color=c=blue:size={width}x{height}:rate=10:duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "-vf", $"drawbox=x=0:y=0:w={width / 2}:h={height}:color=red:t=fill",
            "-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p",
            "-movflags", fragmented ? "frag_keyframe+empty_moov" : "+faststart");
        if (rotate is not { } degrees)
        {
            return plain;
        }

        var source = Path.Combine(folder, Guid.NewGuid().ToString("N") + "-plain.mp4");
        File.WriteAllBytes(source, plain);
        return Make(folder, "rotated.mp4", "-i", source, "-c", "copy", "-metadata:s:v:0", $"rotate={degrees}", "-movflags", "+faststart");
    }

    /// <summary>
    /// An Ogg Opus voice note (libopus, mono, 48 kHz) of <paramref name="seconds"/>: a 440 Hz tone whose amplitude at time
    /// t is <paramref name="volume"/>, an ffmpeg expression in t (e.g. <c>t/4.5</c> rises from silence to full).
    /// </summary>
    public static byte[] VoiceNote(string folder, double seconds, string volume) =>
        Make(folder, "voice.ogg",
            "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=48000:duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "-af", $"volume='{volume}':eval=frame", "-ac", "1", "-c:a", "libopus", "-b:a", "32k");

    /// <summary>The first channel of the audio file at <paramref name="path"/> decoded by ffmpeg (libopus for Opus) as 48 kHz samples.</summary>
    public static float[] DecodeFirstChannel(string path)
    {
        var pcm = Run("pcm", ["-i", path, "-af", "pan=mono|c0=c0", "-ar", "48000", "-f", "f32le", "pipe:1"]);
        var samples = new float[pcm.Length / 4];
        Buffer.BlockCopy(pcm, 0, samples, 0, samples.Length * 4);
        return samples;
    }

    private static byte[] Make(string folder, string name, params string[] arguments)
    {
        var path = Path.Combine(folder, Guid.NewGuid().ToString("N") + "-" + name);
        Run(name, [.. arguments, path]);
        return File.ReadAllBytes(path);
    }

    // Runs ffmpeg and returns what it wrote on its standard output.
    private static byte[] Run(string what, string[] arguments)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y" }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("These tests make their media with ffmpeg, which is not installed (apt-get install ffmpeg; .ci/run installs it).", ex);
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync();
            using var output = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ffmpeg could not make {what}: {errors.Result}");
            return output.ToArray();
        }
    }
}
