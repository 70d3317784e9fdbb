using System.Text.Json;
using System.Threading.Channels;
using Gateway.Streams.Internal;
using Microsoft.Win32.SafeHandles;

namespace Gateway.Streams;

/// <summary>A durable Kinesis-shaped stream in a local directory: per-shard append-only segment files, group commit, crash recovery and retention.</summary>
/// <remarks>
/// One process opens a directory for writing (a lock file enforces it); any number of processes may open it
/// with <see cref="OpenReadOnlyAsync"/>, which never modifies a file.
/// </remarks>
public sealed partial class EmbeddedStream : IRecordStream
{
    private const string ManifestFileName = "stream.json";
    private const string LockFileName = "stream.lock";

    // Kinesis GetRecords returns at most 10,000 records per call.
    private const int MaxRecordsPerRead = 10_000;

    private readonly ShardLog[] _shards;
    private readonly Dictionary<string, ShardLog> _shardsById;
    private readonly TimeProvider _time;
    private readonly StreamCounters _counters;
    private readonly GroupCommitWriter? _writer;
    private readonly AppendRequestPool _requests;
    private readonly EmbeddedStreamOptions? _options;
    private readonly SafeFileHandle? _lockFile;
    private readonly ITimer? _flushTimer;
    private readonly ITimer? _retentionTimer;
    private int _disposed;

    private EmbeddedStream(
        string directory,
        string name,
        ShardLog[] shards,
        TimeProvider time,
        StreamCounters counters,
        EmbeddedStreamOptions? options,
        SafeFileHandle? lockFile)
    {
        StreamDirectory = directory;
        _shards = shards;
        _shardsById = shards.ToDictionary(s => s.ShardId, StringComparer.Ordinal);
        _time = time;
        _counters = counters;
        _options = options;
        _lockFile = lockFile;
        _requests = new AppendRequestPool(options?.QueueCapacity ?? 0);
        Description = new StreamDescription(name, HashKey.SplitEvenly(shards.Length));
        if (options is not null)
        {
            _writer = new GroupCommitWriter(shards, options, time, counters);
            if (options.Durability == Durability.Write)
            {
                _flushTimer = time.CreateTimer(static s => ((EmbeddedStream)s!).FlushTick(), this, options.FlushInterval, options.FlushInterval);
            }

            _retentionTimer = time.CreateTimer(static s => ((EmbeddedStream)s!).RetentionTick(), this, options.RetentionCheckInterval, options.RetentionCheckInterval);
        }
    }

    /// <inheritdoc/>
    public StreamDescription Description { get; }

    /// <summary>The directory holding the stream's files.</summary>
    public string StreamDirectory { get; }

    /// <summary>True when opened with <see cref="OpenReadOnlyAsync"/>.</summary>
    public bool IsReadOnly => _writer is null;

    /// <summary>Opens (or creates) the stream in <see cref="EmbeddedStreamOptions.Directory"/> for writing, recovering from an earlier crash first.</summary>
    /// <exception cref="ArgumentException">The directory holds a stream created with a different shard count or name.</exception>
    /// <exception cref="IOException">Another process has the stream open for writing.</exception>
    public static Task<EmbeddedStream> OpenAsync(EmbeddedStreamOptions options, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // Recovery reads the newest segment of every shard; keep that off the caller's thread.
        return Task.Run(() => OpenWritable(options, time ?? TimeProvider.System), cancellationToken);
    }

    /// <summary>Opens an existing stream for reading only: no file is created, locked, truncated or deleted, so it can watch a stream another process writes.</summary>
    /// <exception cref="FileNotFoundException">The directory holds no stream (no stream.json).</exception>
    public static Task<EmbeddedStream> OpenReadOnlyAsync(string directory, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return Task.Run(
            () =>
            {
                var root = Path.GetFullPath(directory);
                var manifest = ReadManifest(root) ?? throw new FileNotFoundException(
                    $"No embedded stream in '{root}': {ManifestFileName} is missing. Pass the directory of a stream that a writer (gateway up) has created.",
                    Path.Combine(root, ManifestFileName));
                var shards = new ShardLog[manifest.ShardCount];
                for (var i = 0; i < shards.Length; i++)
                {
                    shards[i] = ShardLog.OpenReadOnly(i, HashKey.ShardId(i), Path.Combine(root, ShardLog.DirectoryName(i)));
                }

                return new EmbeddedStream(root, manifest.Name, shards, time ?? TimeProvider.System, new StreamCounters(), null, null);
            },
            cancellationToken);
    }

    /// <summary>A snapshot of the stream's counters.</summary>
    public StreamMetrics GetMetrics() => _counters.Snapshot();

    /// <inheritdoc/>
    /// <remarks>
    /// Cancellation only applies while the call waits for queue space; once queued, the record is written (the
    /// writer reads <paramref name="data"/> in place, so the call cannot return before it has).
    /// </remarks>
    public ValueTask<AppendResult> AppendAsync(string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var writer = _writer ?? throw new InvalidOperationException($"The stream in '{StreamDirectory}' was opened read-only; open it with EmbeddedStream.OpenAsync to append.");
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var keyBytes = RecordLimits.Validate(partitionKey, data.Length);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<AppendResult>(cancellationToken);
        }

        var shardIndex = HashKey.ShardIndexFor(HashKey.Of(partitionKey), Description.Shards);
        var request = _requests.Rent();
        request.Initialize(partitionKey, data, shardIndex, _shards[shardIndex].ShardId, RecordCodec.EncodedLength(keyBytes, data.Length));
        return writer.TryEnqueue(request) ? request.AsValueTask() : EnqueueWhenSpaceAsync(writer, request, cancellationToken);
    }

    /// <summary>Flushes and closes the files. Appends already queued are written and made durable first; later appends throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _flushTimer?.Dispose();
        _retentionTimer?.Dispose();
        if (_writer is not null)
        {
            _writer.Complete();
            await _writer.Completion.ConfigureAwait(false);
        }

        foreach (var shard in _shards)
        {
            shard.Close();
        }

        _lockFile?.Dispose();
    }

    private static EmbeddedStream OpenWritable(EmbeddedStreamOptions options, TimeProvider time)
    {
        var root = Path.GetFullPath(options.Directory);
        if (!Directory.Exists(root))
        {
            Directory.CreateDirectory(root);
            DirectorySync.Flush(Path.GetDirectoryName(root)!);
        }

        var lockFile = AcquireWriterLock(root);
        var shards = new List<ShardLog>();
        try
        {
            var manifest = ReadManifest(root);
            if (manifest is null)
            {
                manifest = new StreamManifest { Name = options.StreamName, ShardCount = options.ShardCount };
                AtomicFile.Write(Path.Combine(root, ManifestFileName), JsonSerializer.SerializeToUtf8Bytes(manifest, StreamsJsonContext.Default.StreamManifest));
            }

            CheckManifest(root, manifest, options);
            var counters = new StreamCounters();
            for (var i = 0; i < manifest.ShardCount; i++)
            {
                shards.Add(ShardLog.OpenWritable(i, HashKey.ShardId(i), Path.Combine(root, ShardLog.DirectoryName(i)), GroupCommitWriter.PreallocationFor(options), counters));
            }

            var stream = new EmbeddedStream(root, manifest.Name, [.. shards], time, counters, options, lockFile);
            stream.RetentionTick();
            return stream;
        }
        catch
        {
            foreach (var shard in shards)
            {
                shard.Active?.Dispose();
            }

            lockFile.Dispose();
            throw;
        }
    }

    private static SafeFileHandle AcquireWriterLock(string root)
    {
        try
        {
            // FileShare.None takes an exclusive flock on Unix: two writers would interleave records and corrupt the stream.
            return File.OpenHandle(Path.Combine(root, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException(
                $"Another process has the stream in '{root}' open for writing ({e.Message}). Stop that process, "
                + "or use EmbeddedStream.OpenReadOnlyAsync (gateway stream tail) to read alongside it.",
                e);
        }
    }

    private static StreamManifest? ReadManifest(string root)
    {
        var path = Path.Combine(root, ManifestFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        StreamManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllBytes(path), StreamsJsonContext.Default.StreamManifest);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON ({e.Message}). It should hold the stream's name and shard count, e.g. {{\"name\":\"gateway\",\"shardCount\":1,\"formatVersion\":1}}.", e);
        }

        if (manifest is null || manifest.ShardCount < 1 || manifest.FormatVersion != StreamManifest.CurrentFormatVersion)
        {
            throw new InvalidDataException(
                $"'{path}' describes no usable stream (shardCount {manifest?.ShardCount}, formatVersion {manifest?.FormatVersion}; this build reads format {StreamManifest.CurrentFormatVersion}).");
        }

        return manifest;
    }

    private static void CheckManifest(string root, StreamManifest manifest, EmbeddedStreamOptions options)
    {
        if (manifest.ShardCount != options.ShardCount)
        {
            throw new ArgumentException(
                $"The stream in '{root}' was created with {manifest.ShardCount} shard(s), but EmbeddedStreamOptions.ShardCount is {options.ShardCount}. "
                + $"Set ShardCount to {manifest.ShardCount} to open it, or set EmbeddedStreamOptions.Directory to a new directory to start a stream with "
                + $"{options.ShardCount} shard(s); the embedded stream cannot reshard.",
                nameof(options));
        }

        if (!string.Equals(manifest.Name, options.StreamName, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The stream in '{root}' is named '{manifest.Name}', but EmbeddedStreamOptions.StreamName is '{options.StreamName}'. "
                + $"Set StreamName to '{manifest.Name}', or set EmbeddedStreamOptions.Directory to a new directory.",
                nameof(options));
        }
    }

    private static async ValueTask<AppendResult> EnqueueWhenSpaceAsync(GroupCommitWriter writer, AppendRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await writer.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            request.ReturnToPool();
            throw new ObjectDisposedException(nameof(EmbeddedStream), "The stream was disposed while this append waited for queue space.");
        }
        catch
        {
            request.ReturnToPool();
            throw;
        }

        return await request.AsValueTask().ConfigureAwait(false);
    }

    private ShardLog GetShard(string shardId)
    {
        ArgumentNullException.ThrowIfNull(shardId);
        if (_shardsById.TryGetValue(shardId, out var shard))
        {
            return shard;
        }

        throw new ArgumentException(
            $"Unknown shard id '{shardId}'. Stream '{Description.Name}' has: {string.Join(", ", _shards.Select(s => s.ShardId))}.",
            nameof(shardId));
    }

    private void FlushTick()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _writer?.FlushDirty();
        }
    }
}
