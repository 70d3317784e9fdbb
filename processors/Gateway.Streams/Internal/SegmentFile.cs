using Microsoft.Win32.SafeHandles;

namespace Gateway.Streams.Internal;

/// <summary>The writer's handle on a shard's active segment: positional appends and fsync.</summary>
/// <remarks>
/// With preallocation on, the file is extended with zeros ahead of the records (as PostgreSQL does for its WAL):
/// an fsync that must also commit a new file size costs several times one that only flushes data here (about
/// 260-640 µs against 90 µs), and Durability.Fsync pays it on every batch. The zero tail is cut when the segment
/// closes; after a crash, recovery cuts it like any invalid tail, and readers stop at it like at a torn record.
/// </remarks>
internal sealed class SegmentFile : IDisposable
{
    private const int PreallocationStep = 1024 * 1024;

    private static readonly byte[] Zeros = new byte[64 * 1024];

    private readonly SafeFileHandle _handle;
    private readonly long _preallocateUpTo;
    private long _fileLength;

    private SegmentFile(SegmentInfo info, SafeFileHandle handle, long length, long preallocateUpTo)
    {
        Info = info;
        _handle = handle;
        Length = length;
        _fileLength = length;
        _preallocateUpTo = preallocateUpTo;
        info.Length = length;
    }

    public SegmentInfo Info { get; }

    /// <summary>Bytes written, durable or not; the next record goes here.</summary>
    public long Length { get; private set; }

    /// <summary>True while written bytes may still be only in the page cache.</summary>
    public bool Dirty { get; private set; }

    /// <param name="directory">The shard's folder.</param>
    /// <param name="firstSequenceNumber">Names the file.</param>
    /// <param name="preallocateUpTo">Zero-fill ahead of the records up to this size (the segment size); 0 turns preallocation off.</param>
    public static SegmentFile CreateNew(string directory, long firstSequenceNumber, long preallocateUpTo)
    {
        var path = Path.Combine(directory, SequenceNumbers.SegmentFileName(firstSequenceNumber));
        // CreateNew: a leftover file with this name would mean two segments claim the same sequence numbers.
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        return new SegmentFile(new SegmentInfo(firstSequenceNumber, path, 0), handle, 0, preallocateUpTo);
    }

    public static SegmentFile OpenExisting(SegmentInfo info, SafeFileHandle handle, long validLength, long preallocateUpTo) =>
        new(info, handle, validLength, preallocateUpTo);

    public static SafeFileHandle OpenForRecovery(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        RandomAccess.Write(_handle, bytes, Length);
        Length += bytes.Length;
        _fileLength = Math.Max(_fileLength, Length);
        Info.Length = Length;
        Dirty = true;
        if (_preallocateUpTo > 0 && _fileLength - Length < PreallocationStep / 2 && _fileLength < _preallocateUpTo)
        {
            ZeroFill(Math.Min(_fileLength + PreallocationStep, _preallocateUpTo));
        }
    }

    /// <summary>Cuts the preallocated zeros off before the segment is closed for good; the next <see cref="Flush"/> makes it durable.</summary>
    public void Seal()
    {
        if (_fileLength > Length)
        {
            RandomAccess.SetLength(_handle, Length);
            _fileLength = Length;
            Dirty = true;
        }
    }

    /// <summary>fsync; returns whether there was anything to flush.</summary>
    public bool Flush()
    {
        if (!Dirty)
        {
            return false;
        }

        RandomAccess.FlushToDisk(_handle);
        Dirty = false;
        return true;
    }

    /// <summary>Cuts the file back to <paramref name="length"/> and makes the cut durable.</summary>
    public void Truncate(long length)
    {
        RandomAccess.SetLength(_handle, length);
        RandomAccess.FlushToDisk(_handle);
        Length = length;
        _fileLength = length;
        Info.Length = length;
        Dirty = false;
    }

    public void Dispose() => _handle.Dispose();

    private void ZeroFill(long target)
    {
        while (_fileLength < target)
        {
            var count = (int)Math.Min(Zeros.Length, target - _fileLength);
            RandomAccess.Write(_handle, Zeros.AsSpan(0, count), _fileLength);
            _fileLength += count;
        }
    }
}
