using System.Buffers.Binary;

namespace WaEngine.Api.Media;

/// <summary>
/// The duration of an Ogg Opus file (a voice note) read as its bytes stream past, without keeping them: the granule
/// position of the last page (Opus counts it in 48 kHz samples) less the pre-skip the first page's <c>OpusHead</c>
/// announces, when both belong to the same logical stream. Anything else has no duration.
/// </summary>
public sealed class OggOpusClock
{
    private const int PageHeaderLength = 27;
    private readonly byte[] _carry = new byte[PageHeaderLength - 1];
    private int _carried;
    private long _lastGranule = -1;
    private uint _lastSerial;

    /// <summary>Takes the next bytes of the file.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        // The carried tail of the previous bytes and these, so a page header split between writes is still seen.
        var window = new byte[_carried + bytes.Length];
        _carry.AsSpan(0, _carried).CopyTo(window);
        bytes.CopyTo(window.AsSpan(_carried));
        ReadOnlySpan<byte> span = window;
        int at;
        while ((at = span.IndexOf("OggS"u8)) >= 0 && at + PageHeaderLength <= span.Length)
        {
            var page = span[at..];
            var granule = BinaryPrimitives.ReadInt64LittleEndian(page[6..]);
            if (page[4] == 0 && granule >= 0)
            {
                _lastGranule = granule;
                _lastSerial = BinaryPrimitives.ReadUInt32LittleEndian(page[14..]);
            }

            span = span[(at + 4)..];
        }

        var keep = Math.Min(span.Length, _carry.Length);
        span[^keep..].CopyTo(_carry);
        _carried = keep;
    }

    /// <summary>Whole seconds, rounded up, given the file's first bytes; null when it is not Ogg Opus or has no timed page.</summary>
    public uint? Seconds(ReadOnlySpan<byte> head)
    {
        // The first page holds only the OpusHead packet: "OpusHead", version, channels, pre-skip (little-endian).
        if (head.Length < PageHeaderLength || !head.StartsWith("OggS"u8) || head[4] != 0)
        {
            return null;
        }

        var packet = PageHeaderLength + head[26];
        if (head.Length < packet + 12 || !head.Slice(packet, 8).SequenceEqual("OpusHead"u8)
            || BinaryPrimitives.ReadUInt32LittleEndian(head[14..]) != _lastSerial)
        {
            return null;
        }

        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(head[(packet + 10)..]);
        return _lastGranule > preSkip ? (uint)Math.Min(uint.MaxValue, (_lastGranule - preSkip + 47_999) / 48_000) : null;
    }
}
