using Gateway.Parquet.Lake.Internal;
using Gateway.Processing.Enrichment;

namespace Gateway.Parquet.Lake;

/// <summary>
/// Writes event rows and bad rows into the lake with Firehose's semantics: one Parquet file per Hive partition
/// (<c>year/month/day/hour</c> of the event time, UTC) at a time, finished when it reaches
/// <see cref="LakeWriterOptions.BufferBytes"/> or is <see cref="LakeWriterOptions.BufferTime"/> old (or to keep the
/// open partitions within <see cref="LakeWriterOptions.MaxOpenPartitions"/> and
/// <see cref="LakeWriterOptions.MaxBufferedBytes"/>), then committed
/// through an <see cref="ILakeStore"/> so that it appears whole or not at all.
/// </summary>
/// <remarks>
/// <para><b>Durability.</b> Every row comes with its source position (strictly increasing, e.g. a counter over the
/// records read). <see cref="DurableThrough"/> is the highest position p such that every row added with a position
/// ≤ p is in a committed file; the caller checkpoints its source with it, so after a crash it reads again from there:
/// no row is lost, and rows of files committed after the last checkpoint are written again (at-least-once).</para>
/// <para><b>Dedup.</b> A repeat of an <c>event_id</c> within <see cref="LakeWriterOptions.DedupWindow"/> is dropped and
/// counted (<see cref="LakeStats.DuplicatesDropped"/>). That catches repeats the source holds twice, e.g. rows
/// an upstream stage wrote again after its own crash, while this writer keeps running; a repeat written again by a
/// replay after this writer's own restart is not caught, so readers keep treating <c>event_id</c> as the key.</para>
/// <para><b>I/O.</b> <see cref="Add(EventRow, long)"/> writes to local staging files only and never waits on the
/// store. A finished file is named and starts closing (encoding, compressing, writing its staged file) on the thread
/// pool at once; it is committed by <see cref="FlushDueAsync"/> and <see cref="FlushAllAsync"/>, which wait for the
/// closes and which the caller runs after each batch and when <see cref="NextDueAt"/> comes, or by
/// <see cref="CommitClosedAsync"/>, which commits only the closes already done. A failed commit leaves the file pending
/// (and <see cref="DurableThrough"/> behind it) and is retried by the next flush. Any other failure — a row the
/// Parquet writer rejects, a staging file that cannot be written — leaves the writer <see cref="IsFaulted"/>: dispose
/// it and read the source again from the last checkpoint.</para>
/// <para>Not thread-safe: one caller adds and flushes; <see cref="Stats"/> and <see cref="DurableThrough"/> may be read from anywhere.</para>
/// </remarks>
public sealed partial class LakeWriter : IAsyncDisposable
{
    private readonly ILakeStore _store;
    private readonly LakeWriterOptions _options;
    private readonly TimeProvider _time;
    private readonly EventIdDeduplicator? _dedup;
    private readonly ParquetWriterOptions _parquetOptions;
    private readonly Dictionary<PartitionId, PartitionFile> _open = [];

    // Full, due or displaced files: no more rows; closing in the background from the moment they are sealed.
    private readonly List<PartitionFile> _sealed = [];

    // Most background closes CommitClosedAsync lets run before it waits for one.
    private const int MaxClosing = 2;

    // Closed and named, not yet committed; committed in order.
    private readonly List<PartitionFile> _pending = [];

    // Files named per partition so far, for deterministic names; a partition is an hour, so this grows by a few entries an hour.
    private readonly Dictionary<PartitionId, int> _fileNumbers = [];
    private readonly TableCounters[] _tables = [new(), new()];
    private readonly Guid _id = Guid.NewGuid();

    // Held for the writer's life: tells a clean-up of leftovers (StagedFiles.RemoveLeftovers) that our staged files are live.
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _lock;
    private long _highestPosition = -1;
    private long _durableThrough = -1;
    private long _bufferedRows;

    // Σ Size over _open, kept as rows arrive, for MaxBufferedBytes.
    private long _openBytes;
    private long _commitFailures;
    private int _openCount;
    private int _pendingCount;
    private bool _faulted;
    private bool _disposed;

    private LakeWriter(ILakeStore store, LakeWriterOptions options, TimeProvider time)
    {
        _store = store;
        _lock = StagedFiles.AcquireLock(store.StagingDirectory, _id);
        _options = options;
        _time = time;
        _dedup = options.DedupWindow > TimeSpan.Zero ? new EventIdDeduplicator(time, options.DedupWindow, options.DedupCapacity) : null;
        _parquetOptions = new ParquetWriterOptions
        {
            Codec = options.Codec,
            // One row group per file as long as the file stays within its buffer size.
            RowGroupBytes = Math.Min(options.BufferBytes, ParquetWriterOptions.MaxBufferBytes),
            Metadata = options.FileMetadata,
        };
    }

    /// <summary>The highest source position p such that every row added with a position ≤ p is in a committed file; -1 before any.</summary>
    public long DurableThrough => Interlocked.Read(ref _durableThrough);

    /// <summary>When the oldest open partition falls due (<see cref="FlushDueAsync"/> then finishes it); now when finished files wait for a commit; null when nothing is buffered.</summary>
    public DateTimeOffset? NextDueAt
    {
        get
        {
            if (_sealed.Count > 0 || _pending.Count > 0)
            {
                return _time.GetUtcNow();
            }

            DateTimeOffset? due = null;
            if (_options.BufferTime == Timeout.InfiniteTimeSpan)
            {
                return due;
            }

            foreach (var file in _open.Values)
            {
                var at = file.OpenedAt + _options.BufferTime;
                if (due is null || at < due)
                {
                    due = at;
                }
            }

            return due;
        }
    }

    /// <summary>True after a failure that lost buffered rows; the writer then refuses work, and the caller re-reads from its checkpoint.</summary>
    public bool IsFaulted => Volatile.Read(ref _faulted);

    /// <summary>The settings in use.</summary>
    public LakeWriterOptions Options => _options;

    /// <summary>Creates a writer committing through <paramref name="store"/>, reading time from <paramref name="time"/> (default: the system clock).</summary>
    public static LakeWriter Create(ILakeStore store, LakeWriterOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new LakeWriterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BufferBytes, 1, nameof(options));
        if (options.BufferTime < TimeSpan.Zero && options.BufferTime != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BufferTime, "BufferTime must be zero or more, or Timeout.InfiniteTimeSpan for size-only flushing");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxOpenPartitions, 1, nameof(options));
        if (options.EffectiveMaxBufferedBytes < options.BufferBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBufferedBytes, $"MaxBufferedBytes ({options.MaxBufferedBytes}) must be at least BufferBytes ({options.BufferBytes}): one partition's file alone may hold that much");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.DedupCapacity, 1, nameof(options));
        if (string.IsNullOrEmpty(options.FilePrefix) || options.FilePrefix.AsSpan().ContainsAnyExcept(FilePrefixChars))
        {
            throw new ArgumentException($"file prefix '{options.FilePrefix}' must be 1 or more of a-z, A-Z, 0-9, '_', '.', '-' (Firehose's delivery-stream name characters)", nameof(options));
        }

        Directory.CreateDirectory(store.StagingDirectory);
        return new LakeWriter(store, options, time ?? TimeProvider.System);
    }

    /// <summary>Adds an event to the partition of its <see cref="EventRow.EventTime"/> (UTC hour), unless its id is a repeat within the dedup window.</summary>
    /// <param name="row">The row; only read during the call.</param>
    /// <param name="sourcePosition">Where the row came from: ≥ 0 and greater than every earlier row's.</param>
    public void Add(EventRow row, long sourcePosition)
    {
        ArgumentNullException.ThrowIfNull(row);
        CheckAdd(sourcePosition);
        if (_dedup is not null && !_dedup.TryAdd(row.EventId))
        {
            // The first sighting holds the durable position back until its own file is committed.
            AdvanceHighest(sourcePosition);
            return;
        }

        try
        {
            var file = FileFor(new PartitionId(LakeTable.Events, PartitionKeys.From(row.EventTime)), sourcePosition);
            var before = file.Size;
            LakeTables.WriteRow(file.Writer, row);
            Added(file, sourcePosition, before);
        }
        catch
        {
            Fault();
            throw;
        }
    }

    /// <summary>Adds a bad row to the partition of its <see cref="BadRow.Time"/> (UTC hour) in <c>bad_rows</c>.</summary>
    /// <param name="row">The row; only read during the call.</param>
    /// <param name="sourcePosition">Where the row came from: ≥ 0 and greater than every earlier row's.</param>
    public void Add(BadRow row, long sourcePosition)
    {
        ArgumentNullException.ThrowIfNull(row);
        CheckAdd(sourcePosition);
        try
        {
            var file = FileFor(new PartitionId(LakeTable.BadRows, PartitionKeys.From(row.Time)), sourcePosition);
            var before = file.Size;
            LakeTables.WriteRow(file.Writer, row);
            Added(file, sourcePosition, before);
        }
        catch
        {
            Fault();
            throw;
        }
    }

    /// <summary>A snapshot of what was committed, dropped and is still buffered.</summary>
    public LakeStats Stats => new(
        _tables[(int)LakeTable.Events].Snapshot(),
        _tables[(int)LakeTable.BadRows].Snapshot(),
        _dedup?.DuplicatesDropped ?? 0,
        _dedup?.EvictedEarly ?? 0,
        Interlocked.Read(ref _commitFailures),
        Volatile.Read(ref _openCount),
        Volatile.Read(ref _pendingCount),
        Interlocked.Read(ref _bufferedRows));

    /// <summary>
    /// Drops whatever is not committed — open partitions, finished and pending files — and deletes their staged files.
    /// Their rows lie beyond <see cref="DurableThrough"/>, so a caller that checkpointed with it reads them again; call
    /// <see cref="FlushAllAsync"/> first for a clean stop.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var file in _sealed)
        {
            try
            {
                // A close still writing its staged file must finish before the file is deleted.
                await file.Closing!.ConfigureAwait(false);
            }
            catch
            {
                // Its rows are beyond DurableThrough either way; the staged file goes below.
            }
        }

        foreach (var file in _open.Values.Concat(_sealed).Concat(_pending))
        {
            if (file.Key is null)
            {
                file.Abandon();
            }
            else
            {
                StagedFiles.TryDelete(file.StagedPath);
            }
        }

        _open.Clear();
        _openBytes = 0;
        _sealed.Clear();
        _pending.Clear();
        StagedFiles.ReleaseLock(_store.StagingDirectory, _id, _lock);
        Volatile.Write(ref _openCount, 0);
        Volatile.Write(ref _pendingCount, 0);
    }

    private static ReadOnlySpan<char> FilePrefixChars => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";

    private void CheckAdd(long sourcePosition)
    {
        ThrowIfUnusable();
        if (sourcePosition <= _highestPosition)
        {
            throw new ArgumentOutOfRangeException(nameof(sourcePosition), sourcePosition, $"source positions must grow: the last row had {_highestPosition}");
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_faulted)
        {
            throw new InvalidOperationException("the lake writer lost buffered rows to an earlier failure; dispose it and read the source again from the last checkpoint");
        }
    }

    private void Fault() => Volatile.Write(ref _faulted, true);

    private PartitionFile FileFor(PartitionId id, long sourcePosition)
    {
        if (_open.TryGetValue(id, out var file))
        {
            return file;
        }

        if (_open.Count >= _options.MaxOpenPartitions)
        {
            // The one opened longest ago: typically an old hour that a late event reopened, or the hour that just ended.
            Seal(_open.Values.MinBy(f => f.OpenedAt)!);
        }

        var path = StagedFiles.NewPath(_store.StagingDirectory, id.Table, _id);
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.None);
        ParquetWriter writer;
        try
        {
            writer = ParquetWriter.Create(stream, LakeTables.Schema(id.Table), _parquetOptions, leaveOpen: true);
        }
        catch
        {
            stream.Dispose();
            StagedFiles.TryDelete(path);
            throw;
        }

        file = new PartitionFile(id.Table, id.Keys, path, stream, writer, sourcePosition, _time.GetUtcNow());
        _open.Add(id, file);
        _openBytes += file.Size;
        Volatile.Write(ref _openCount, _open.Count);
        return file;
    }

    private void Added(PartitionFile file, long sourcePosition, long sizeBefore)
    {
        file.Rows++;
        file.LastPosition = sourcePosition;
        _openBytes += file.Size - sizeBefore;
        Interlocked.Increment(ref _bufferedRows);
        _highestPosition = sourcePosition;
        if (file.Rows == 1)
        {
            // Only a new file can move the oldest outstanding position; later rows of a file come after its first.
            UpdateDurableThrough();
        }

        if (file.Size >= _options.BufferBytes)
        {
            Seal(file);
        }

        while (_openBytes > _options.EffectiveMaxBufferedBytes && _open.Count > 0)
        {
            // Least recently written: the partition least likely to take more rows soon.
            Seal(_open.Values.MinBy(f => f.LastPosition)!);
        }
    }

    private void AdvanceHighest(long sourcePosition)
    {
        _highestPosition = sourcePosition;
        UpdateDurableThrough();
    }

    private void Seal(PartitionFile file)
    {
        _open.Remove(new PartitionId(file.Table, file.Keys));
        _openBytes -= file.Size;
        // Named now, in sealing order: a partition's files are numbered in the order of their rows.
        file.StartClose(KeyFor(file));
        _sealed.Add(file);
        Volatile.Write(ref _openCount, _open.Count);
    }

    private readonly record struct PartitionId(LakeTable Table, PartitionKeys Keys);

    private sealed class TableCounters
    {
        private long _rows;
        private long _files;
        private long _bytes;

        public void Committed(long rows, long bytes)
        {
            Interlocked.Add(ref _rows, rows);
            Interlocked.Increment(ref _files);
            Interlocked.Add(ref _bytes, bytes);
        }

        public LakeTableStats Snapshot() => new(Interlocked.Read(ref _rows), Interlocked.Read(ref _files), Interlocked.Read(ref _bytes));
    }
}
