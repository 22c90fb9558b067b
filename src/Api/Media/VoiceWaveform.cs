using Concentus;

namespace WaEngine.Api.Media;

/// <summary>
/// The waveform a voice note carries (<c>AudioMessage.waveform</c>): 64 values from 0 to 100, computed as Baileys'
/// <c>getAudioWaveform</c> does — the first channel of the decoded audio cut into 64 equal blocks, each block's mean
/// absolute amplitude, scaled so the loudest block is 100, floored. The Ogg Opus file is read twice from disk (first
/// its pages, for the sample count its last granule position gives, then each packet decoded with Concentus' managed
/// Opus decoder), so memory stays at one packet and one frame whatever its length. Its duration in whole seconds
/// comes with it. Audio that does not read or decode gives nothing: a waveform is never a reason for a send to fail.
/// </summary>
public static class VoiceWaveform
{
    /// <summary>Values in a waveform.</summary>
    public const int Samples = 64;

    /// <summary>The longest voice note decoded for a waveform (decoding is the costly part of a send; WhatsApp's are minutes long).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(30);

    private const int SampleRate = 48_000;
    private const int MaxFrameSamples = 5_760;

    /// <summary>The waveform and duration (whole seconds, rounded up) of the Ogg Opus file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not Ogg Opus the decoder can read, or too short for 64 blocks.</exception>
    public static async Task<(byte[] Waveform, uint Seconds)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        long total;
        int preSkip;
        var counting = File.OpenRead(path);
        await using (counting.ConfigureAwait(false))
        {
            var pages = new OggOpusPackets(counting);
            await pages.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
            while (await pages.NextPacketAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
            }

            preSkip = pages.PreSkip;
            total = pages.LastGranule - preSkip;
        }

        if (total > MaxDuration.TotalSeconds * SampleRate)
        {
            throw new InvalidDataException($"The voice note lasts {total / SampleRate} s; waveforms are computed up to {MaxDuration.TotalSeconds} s.");
        }

        if (total < Samples)
        {
            throw new InvalidDataException($"The voice note has {Math.Max(total, 0)} samples; a waveform needs at least {Samples}.");
        }

        var sums = await SumBlocksAsync(path, total / Samples, preSkip, cancellationToken).ConfigureAwait(false);
        var loudest = sums.Max();
        var waveform = new byte[Samples];
        for (var i = 0; i < Samples; i++)
        {
            waveform[i] = loudest > 0 ? (byte)Math.Clamp(Math.Floor(100 * sums[i] / loudest), 0, 100) : (byte)0;
        }

        return (waveform, (uint)Math.Min(uint.MaxValue, (total + SampleRate - 1) / SampleRate));
    }

    // The sum of |sample| of the first channel per block (equal blocks have equal counts, so sums scale like means).
    private static async Task<double[]> SumBlocksAsync(string path, long blockSize, int preSkip, CancellationToken cancellationToken)
    {
        var sums = new double[Samples];
        var decoding = File.OpenRead(path);
        await using (decoding.ConfigureAwait(false))
        {
            var packets = new OggOpusPackets(decoding);
            await packets.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
            var channels = packets.Channels;
            var decoder = OpusCodecFactory.CreateDecoder(SampleRate, channels);
            var pcm = new float[MaxFrameSamples * channels];
            long index = -preSkip;
            while (await packets.NextPacketAsync(cancellationToken).ConfigureAwait(false) is { } packet)
            {
                if (packet.Length == 0)
                {
                    continue;
                }

                var decoded = decoder.Decode(packet, pcm, MaxFrameSamples);
                for (var i = 0; i < decoded; i++, index++)
                {
                    if (index < 0)
                    {
                        continue;
                    }

                    var block = index / blockSize;
                    if (block >= Samples)
                    {
                        return sums;
                    }

                    sums[block] += Math.Abs(pcm[i * channels]);
                }
            }
        }

        return sums;
    }
}
