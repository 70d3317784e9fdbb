using Microsoft.Win32.SafeHandles;

namespace Gateway.Streams.Internal;

/// <summary>What readers of a writable stream may see: records up to <see cref="SequenceNumber"/>, which end at
/// <see cref="SegmentLength"/> bytes into the segment that starts at <see cref="SegmentFirstSequenceNumber"/>.</summary>
/// <remarks>Readers never look past it, so they never see a record that a crash could still take back, and never trip over bytes being written.</remarks>
internal sealed record CommitPoint(long SequenceNumber, long SegmentFirstSequenceNumber, long SegmentLength);

/// <summary>One shard's segments and positions: the writer's state, the commit point readers honour, and a small read-position cache.</summary>
internal sealed class ShardLog
{
    private const int CacheSize = 8;

    private readonly Lock _cacheLock = new();
    private readonly (long After, long SegmentFirst, long Offset)[] _cache;
    private int _cacheNext;
    private SegmentInfo[] _segments;
    private CommitPoint _commit;
    private TaskCompletionSource? _waiter;
    private volatile bool _closed;

    private ShardLog(int index, string shardId, string directory, SegmentInfo[] segments, CommitPoint commit)
    {
        Index = index;
        ShardId = shardId;
        Directory = directory;
        _segments = segments;
        _commit = commit;
        _cache = new (long, long, long)[CacheSize];
        Array.Fill(_cache, (-1L, 0L, 0L));
    }

    public int Index { get; }

    public string ShardId { get; }

    public string Directory { get; }

    /// <summary>Guards changes to the segment list (writer rolls, retention deletes).</summary>
    public Lock SegmentsLock { get; } = new();

    /// <summary>Segments oldest first; an immutable snapshot, replaced on change.</summary>
    public SegmentInfo[] Segments => Volatile.Read(ref _segments);

    public CommitPoint Commit => Volatile.Read(ref _commit);

    // Writer-thread state (only touched under the writer's I/O lock).
    public SegmentFile? Active { get; set; }

    public long NextSequenceNumber { get; set; }

    public long LastArrivalUnixMs { get; set; }

    /// <summary>Set when a failed batch could not be rolled back; the shard refuses appends until the stream is reopened (and recovered).</summary>
    public Exception? Fault { get; set; }

    public static string DirectoryName(int index) => "shard-" + index.ToString("D12", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Opens a shard for writing: validates the newest segment record by record and cuts a torn or corrupt tail.</summary>
    /// <param name="index">Shard index.</param>
    /// <param name="shardId">Kinesis-style id.</param>
    /// <param name="directory">The shard's folder.</param>
    /// <param name="preallocateUpTo">Passed to <see cref="SegmentFile"/>: zero-fill segments up to this size, or 0.</param>
    /// <param name="counters">Receives recovery truncations.</param>
    public static ShardLog OpenWritable(int index, string shardId, string directory, long preallocateUpTo, StreamCounters counters)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
            DirectorySync.Flush(Path.GetDirectoryName(directory)!);
        }

        var segments = ListSegments(directory);
        SegmentFile active;
        var next = 1L;
        var lastArrival = 0L;
        if (segments.Length == 0)
        {
            active = SegmentFile.CreateNew(directory, 1, preallocateUpTo);
            DirectorySync.Flush(directory);
            segments = [active.Info];
        }
        else
        {
            // Only the newest segment can have a torn tail: a segment is fsynced before its successor is created.
            var last = segments[^1];
            var handle = SegmentFile.OpenForRecovery(last.Path);
            try
            {
                var fileLength = RandomAccess.GetLength(handle);
                var scanner = new SegmentScanner(handle, 0, fileLength);
                var valid = 0L;
                next = last.FirstSequenceNumber;
                while (scanner.Next(out var record, out _) == DecodeStatus.Ok && record.SequenceNumber == next)
                {
                    next++;
                    lastArrival = record.ArrivalUnixMs;
                    valid = scanner.Offset;
                }

                if (valid < fileLength)
                {
                    // Preallocated zeros are expected after a crash; only a tail with data in it was a torn or corrupt write.
                    if (!IsAllZeros(handle, valid, fileLength))
                    {
                        Interlocked.Increment(ref counters.RecoveryTruncations);
                        Interlocked.Add(ref counters.RecoveryBytesTruncated, fileLength - valid);
                    }

                    RandomAccess.SetLength(handle, valid);
                    RandomAccess.FlushToDisk(handle);
                }

                active = SegmentFile.OpenExisting(last, handle, valid, preallocateUpTo);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        var shard = new ShardLog(index, shardId, directory, segments, new CommitPoint(next - 1, active.Info.FirstSequenceNumber, active.Length))
        {
            Active = active,
            NextSequenceNumber = next,
            LastArrivalUnixMs = lastArrival,
        };
        return shard;
    }

    private static bool IsAllZeros(SafeFileHandle handle, long from, long to)
    {
        var buffer = new byte[64 * 1024];
        for (var offset = from; offset < to;)
        {
            var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - offset)), offset);
            if (read == 0)
            {
                break;
            }

            if (buffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                return false;
            }

            offset += read;
        }

        return true;
    }

    /// <summary>Opens a shard for reading only; segments are re-listed from disk as the writing process adds them.</summary>
    public static ShardLog OpenReadOnly(int index, string shardId, string directory) =>
        new(index, shardId, directory, ListSegments(directory), new CommitPoint(long.MaxValue, long.MaxValue, long.MaxValue));

    public static SegmentInfo[] ListSegments(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }

        var segments = new List<SegmentInfo>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory, SequenceNumbers.SegmentSearchPattern))
        {
            if (SequenceNumbers.TryParseSegmentFileName(Path.GetFileName(path), out var first))
            {
                segments.Add(new SegmentInfo(first, path, new FileInfo(path).Length));
            }
        }

        segments.Sort(static (a, b) => a.FirstSequenceNumber.CompareTo(b.FirstSequenceNumber));
        return [.. segments];
    }

    /// <summary>Read-only mode: picks up segments the writing process created or retention deleted.</summary>
    public SegmentInfo[] RefreshFromDisk()
    {
        var segments = ListSegments(Directory);
        Volatile.Write(ref _segments, segments);
        return segments;
    }

    public void AddSegment(SegmentInfo segment)
    {
        lock (SegmentsLock)
        {
            Volatile.Write(ref _segments, [.. _segments, segment]);
        }
    }

    public void RemoveSegment(SegmentInfo segment)
    {
        lock (SegmentsLock)
        {
            Volatile.Write(ref _segments, Array.FindAll(_segments, s => s != segment));
        }
    }

    /// <summary>Replaces the list; the caller holds <see cref="SegmentsLock"/>.</summary>
    public void ReplaceSegments(SegmentInfo[] segments) => Volatile.Write(ref _segments, segments);

    /// <summary>Makes records up to the commit point visible and wakes waiting readers.</summary>
    public void Publish(CommitPoint commit)
    {
        Volatile.Write(ref _commit, commit);
        // Interlocked (a full fence) pairs with the one in WaitForCommitAsync so a waiter either sees the new
        // commit point or has its completion source taken here; no wake-up is lost.
        Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
    }

    /// <summary>Completes once a record after <paramref name="afterSequenceNumber"/> is committed.</summary>
    public async ValueTask WaitForCommitAsync(long afterSequenceNumber, CancellationToken cancellationToken)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (Commit.SequenceNumber > afterSequenceNumber)
            {
                return;
            }

            var waiter = Volatile.Read(ref _waiter);
            if (waiter is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiter = Interlocked.CompareExchange(ref _waiter, created, null) ?? created;
            }

            if (Commit.SequenceNumber > afterSequenceNumber || _closed)
            {
                continue;
            }

            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Wakes waiters so they observe the stream was disposed.</summary>
    public void Close()
    {
        _closed = true;
        Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
    }

    public bool TryGetCachedPosition(long afterSequenceNumber, out long segmentFirst, out long offset)
    {
        lock (_cacheLock)
        {
            foreach (var entry in _cache)
            {
                if (entry.After == afterSequenceNumber)
                {
                    segmentFirst = entry.SegmentFirst;
                    offset = entry.Offset;
                    return true;
                }
            }
        }

        segmentFirst = 0;
        offset = 0;
        return false;
    }

    /// <summary>Remembers where the record after <paramref name="afterSequenceNumber"/> starts, so a tailing reader resumes without rescanning.</summary>
    public void RememberPosition(long afterSequenceNumber, long segmentFirst, long offset)
    {
        lock (_cacheLock)
        {
            _cache[_cacheNext] = (afterSequenceNumber, segmentFirst, offset);
            _cacheNext = (_cacheNext + 1) % CacheSize;
        }
    }
}
