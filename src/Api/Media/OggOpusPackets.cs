using System.Buffers.Binary;

namespace WaEngine.Api.Media;

/// <summary>
/// Reads an Ogg Opus file page by page from a stream (RFC 3533 framing, RFC 7845 Opus mapping) without holding more
/// than one packet: the <c>OpusHead</c> (channels, pre-skip), then each audio packet of the first logical stream,
/// reassembled from its lacing values across pages. Any framing it does not understand ends the reading with a
/// <see cref="InvalidDataException"/>; nothing is guessed.
/// </summary>
public sealed class OggOpusPackets
{
    private const int HeaderLength = 27;
    private const int MaxPacketBytes = 256 * 1024;
    private readonly Stream _source;
    private readonly byte[] _header = new byte[HeaderLength];
    private readonly byte[] _segments = new byte[255];
    private readonly byte[] _page = new byte[255 * 255];
    private readonly MemoryStream _packet = new();
    private uint? _serial;
    private int _segmentCount;
    private int _segment;
    private int _pageOffset;

    /// <summary>Reads from <paramref name="source"/>, positioned at the file's first byte.</summary>
    public OggOpusPackets(Stream source) => _source = source ?? throw new ArgumentNullException(nameof(source));

    /// <summary>Channels the <c>OpusHead</c> announces (after <see cref="ReadHeadAsync"/>).</summary>
    public int Channels { get; private set; }

    /// <summary>Samples (at 48 kHz) to drop from the start of the decoded audio.</summary>
    public int PreSkip { get; private set; }

    /// <summary>The last granule position seen on a page of the stream (48 kHz samples including the pre-skip), or -1.</summary>
    public long LastGranule { get; private set; } = -1;

    /// <summary>Reads the identification header (and skips the comment header).</summary>
    /// <exception cref="InvalidDataException">Not Ogg Opus, or a channel mapping other than family 0 (mono or stereo).</exception>
    public async Task ReadHeadAsync(CancellationToken cancellationToken)
    {
        var head = await NextPacketAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidDataException("The file has no Ogg packet.");
        if (head.Length < 19 || !head.AsSpan(0, 8).SequenceEqual("OpusHead"u8))
        {
            throw new InvalidDataException("The first Ogg packet is not an OpusHead.");
        }

        Channels = head[9];
        PreSkip = BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(10));
        if (head[18] != 0 || Channels is < 1 or > 2)
        {
            throw new InvalidDataException($"Opus channel mapping family {head[18]} with {Channels} channels is not read (family 0, mono or stereo, is).");
        }

        var tags = await NextPacketAsync(cancellationToken).ConfigureAwait(false);
        if (tags is null || tags.Length < 8 || !tags.AsSpan(0, 8).SequenceEqual("OpusTags"u8))
        {
            throw new InvalidDataException("The second Ogg packet is not OpusTags.");
        }
    }

    /// <summary>The next packet of the stream, or null at its end.</summary>
    public async Task<byte[]?> NextPacketAsync(CancellationToken cancellationToken)
    {
        _packet.SetLength(0);
        while (true)
        {
            // Gather the current page's segments until a lacing value under 255 ends a packet; a packet may go on
            // onto the next page.
            while (_segment < _segmentCount)
            {
                var length = _segments[_segment++];
                _packet.Write(_page, _pageOffset, length);
                _pageOffset += length;
                if (_packet.Length > MaxPacketBytes)
                {
                    throw new InvalidDataException($"An Ogg packet is over {MaxPacketBytes} bytes.");
                }

                if (length < 255)
                {
                    return _packet.ToArray();
                }
            }

            if (!await NextPageAsync(cancellationToken).ConfigureAwait(false))
            {
                return _packet.Length > 0 ? throw new InvalidDataException("The file ends inside a packet.") : null;
            }
        }
    }

    // Reads the next page of the first logical stream (pages of other streams are skipped).
    private async Task<bool> NextPageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!await ReadExactlyOrEndAsync(_header, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            if (!_header.AsSpan(0, 4).SequenceEqual("OggS"u8) || _header[4] != 0)
            {
                throw new InvalidDataException("An Ogg page does not start with OggS version 0.");
            }

            var serial = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(14));
            _segmentCount = _header[26];
            await _source.ReadExactlyAsync(_segments.AsMemory(0, _segmentCount), cancellationToken).ConfigureAwait(false);
            var body = 0;
            for (var i = 0; i < _segmentCount; i++)
            {
                body += _segments[i];
            }

            await _source.ReadExactlyAsync(_page.AsMemory(0, body), cancellationToken).ConfigureAwait(false);
            _serial ??= serial;
            if (serial != _serial)
            {
                _segmentCount = 0;
                continue;
            }

            var granule = BinaryPrimitives.ReadInt64LittleEndian(_header.AsSpan(6));
            if (granule >= 0)
            {
                LastGranule = granule;
            }

            _segment = 0;
            _pageOffset = 0;
            return true;
        }
    }

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = await _source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return read == buffer.Length || (read == 0 ? false : throw new InvalidDataException("The file ends inside an Ogg page header."));
    }
}
