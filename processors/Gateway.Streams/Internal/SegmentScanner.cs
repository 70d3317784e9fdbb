using Microsoft.Win32.SafeHandles;

namespace Gateway.Streams.Internal;

/// <summary>Reads records sequentially from a segment file through a window of bytes.</summary>
/// <remarks>
/// Records handed out with <see cref="TakeBytes"/> slice the window, so once that happened the window is never
/// overwritten: the next refill allocates a fresh array. Scans that only validate (recovery, skipping to a
/// position) keep reusing one array.
/// </remarks>
internal sealed class SegmentScanner
{
    private const int DefaultWindow = 64 * 1024;

    private readonly SafeFileHandle _handle;
    private long _limit;
    private byte[] _window = [];
    private int _windowStart;
    private int _windowEnd;
    private long _windowFileOffset;
    private bool _windowShared;

    /// <param name="handle">The segment file.</param>
    /// <param name="offset">File offset of a record boundary to start at.</param>
    /// <param name="limit">Bytes of the file that may be read; records past it are treated as not yet written.</param>
    public SegmentScanner(SafeFileHandle handle, long offset, long limit)
    {
        _handle = handle;
        _limit = limit;
        _windowFileOffset = offset;
    }

    /// <summary>File offset of the record <see cref="Next"/> returns next (after an Ok, the end of the record just returned).</summary>
    public long Offset => _windowFileOffset + _windowStart;

    /// <summary>True when every byte up to the limit was consumed.</summary>
    public bool AtLimit => Offset >= _limit;

    /// <summary>Decodes the next record. <see cref="DecodeStatus.Incomplete"/> with <see cref="AtLimit"/> false means the limit cuts a record.</summary>
    public DecodeStatus Next(out DecodedRecord record, out ReadOnlySpan<byte> bytes)
    {
        while (true)
        {
            var available = _window.AsSpan(_windowStart, _windowEnd - _windowStart);
            var status = RecordCodec.TryDecode(available, out record);
            if (status == DecodeStatus.Incomplete && Offset + available.Length < _limit)
            {
                // Need more bytes: at least the header, or the whole record once its length is known.
                if (Refill(Math.Max(record.TotalLength, RecordCodec.HeaderSize)) > 0)
                {
                    continue;
                }
            }

            if (status == DecodeStatus.Ok)
            {
                bytes = available[..record.TotalLength];
                _windowStart += record.TotalLength;
            }
            else
            {
                bytes = default;
            }

            return status;
        }
    }

    /// <summary>The bytes of the record <see cref="Next"/> just returned, as memory that stays valid after further reads.</summary>
    public ReadOnlyMemory<byte> TakeBytes(in DecodedRecord record, int offsetInRecord, int length)
    {
        _windowShared = true;
        return _window.AsMemory(_windowStart - record.TotalLength + offsetInRecord, length);
    }

    /// <summary>Reads more of the file into the window; returns the number of bytes added.</summary>
    private int Refill(int needed)
    {
        var leftover = _windowEnd - _windowStart;
        var readable = _limit - (_windowFileOffset + _windowEnd);
        var wanted = (int)Math.Min(Math.Max(DefaultWindow, needed), leftover + readable);
        var target = _window;
        if (_windowShared || target.Length < wanted)
        {
            target = new byte[wanted];
        }

        _window.AsSpan(_windowStart, leftover).CopyTo(target);
        _windowFileOffset += _windowStart;
        _window = target;
        _windowStart = 0;
        _windowEnd = leftover;
        _windowShared = false;

        var fileOffset = _windowFileOffset + leftover;
        var space = (int)Math.Min(target.Length - leftover, _limit - fileOffset);
        var added = 0;
        while (space > 0)
        {
            var read = RandomAccess.Read(_handle, target.AsSpan(_windowEnd, space), fileOffset);
            if (read == 0)
            {
                // The file is shorter than the limit said (another process truncated it): its end is the limit now.
                _limit = fileOffset;
                break;
            }

            _windowEnd += read;
            fileOffset += read;
            space -= read;
            added += read;
        }

        return added;
    }
}
