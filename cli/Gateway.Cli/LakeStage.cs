using Gateway.Aws;
using Gateway.Aws.S3;
using Gateway.Parquet;
using Gateway.Parquet.Lake;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// The lake stage of the local pipeline: reads the <c>events</c> and <c>bad-rows</c> streams and writes their rows
/// into the Parquet lake (<c>data/lake</c>, or S3 with <c>lake.mode = direct</c>) through one <see cref="LakeWriter"/>,
/// checkpointing each shard only as far as the writer's <see cref="LakeWriter.DurableThrough"/>.
/// </summary>
/// <remarks>
/// <para>Unlike the other stages it cannot checkpoint after each batch: rows wait in partition buffers for up to
/// <c>lake.bufferSeconds</c>. Every record read gets the next number of one counter (its source position); per shard
/// the stage remembers which number ends each batch, and once the writer reports everything up to that number
/// committed, the shard's checkpoint moves past the batch. A crash replays from there: at-least-once.</para>
/// <para>A failed commit (S3 unreachable, disk full) is retried with backoff while reading pauses; any other writer
/// failure restarts the stage from the checkpoints with a fresh writer, so no buffered row is ever given up on.</para>
/// </remarks>
internal sealed partial class LakeStage
{
    /// <summary>Checkpoint name of the events stream's consumer.</summary>
    public const string EventsConsumer = "lake-events";

    /// <summary>Checkpoint name of the bad-rows stream's consumer.</summary>
    public const string BadRowsConsumer = "lake-bad-rows";

    private readonly LakeWriterOptions _options;
    private readonly ILakeStore _store;
    private readonly IRecordStream _events;
    private readonly IRecordStream _badRows;
    private readonly ICheckpointStore _checkpoints;
    private readonly LakeStageOptions _stageOptions;
    private readonly TimeProvider _time;
    private LakeWriter? _writer;
    private LakeStats _finished = EmptyStats;

    /// <summary>A stage writing the rows of <paramref name="events"/> and <paramref name="badRows"/> through <paramref name="store"/>.</summary>
    public LakeStage(LakeWriterOptions options, ILakeStore store, IRecordStream events, IRecordStream badRows, ICheckpointStore checkpoints, LakeStageOptions? stageOptions = null, TimeProvider? time = null)
    {
        _options = options;
        _store = store;
        _events = events;
        _badRows = badRows;
        _checkpoints = checkpoints;
        _stageOptions = stageOptions ?? new LakeStageOptions();
        _time = time ?? TimeProvider.System;
    }

    private static LakeStats EmptyStats { get; } = new(new(0, 0, 0), new(0, 0, 0), 0, 0, 0, 0, 0, 0);

    /// <summary>What the stage committed so far: counts only, never content (across writer restarts the counts of the current writer).</summary>
    public LakeStats Stats => Volatile.Read(ref _writer)?.Stats ?? _finished;

    /// <summary>Times the stage started over from its checkpoints after a writer failure.</summary>
    public int Restarts { get; private set; }

    /// <summary>The writer settings <c>lake.*</c> (and the enrich dedup window) ask for.</summary>
    public static LakeWriterOptions WriterOptions(GatewayConfig config) => new()
    {
        BufferBytes = config.Lake.BufferBytes,
        BufferTime = config.Lake.BufferTime,
        MaxOpenPartitions = config.Lake.MaxOpenPartitions,
        MaxBufferedBytes = config.Lake.MaxBufferedBytes,
        Codec = config.Lake.Codec switch
        {
            LakeCodec.Gzip => ParquetCodec.Gzip,
            LakeCodec.None => ParquetCodec.Uncompressed,
            _ => ParquetCodec.Snappy,
        },
        DedupWindow = config.Enrich.DedupWindow,
        DedupCapacity = config.Enrich.DedupCapacity,
    };

    /// <summary>The store <c>lake.mode</c> asks for: the folder <c>data/lake</c>, or the S3 bucket and prefix.</summary>
    public static ILakeStore Store(GatewayConfig config)
    {
        if (config.Lake.S3 is not { } s3)
        {
            return new DirectoryLakeStore(config.LakeDirectory);
        }

        var objects = new S3ObjectStore(
            new S3ObjectStoreOptions { ServiceUrl = s3.ServiceUrl, Region = s3.ServiceUrl is null ? s3.Region : s3.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1" },
            // With an endpoint (s3rver, MinIO, LocalStack) the keys come from the environment or are placeholders, and the
            // SDK's chain is not asked: its last step queries instance metadata, and a local pipeline talks to loopback only.
            s3.ServiceUrl is null ? null : LocalEndpointCredentials());
        return new S3LakeStore(objects, s3.Bucket, s3.Prefix, config.LakeStagingDirectory);
    }

    /// <summary>Where the lake is, for the start-up banner.</summary>
    public static string Describe(GatewayConfig config) =>
        config.Lake.S3 is { } s3
            ? $"s3://{s3.Bucket}/{s3.Prefix}" + (s3.ServiceUrl is null ? "" : $" at {s3.ServiceUrl}")
            : config.LakeDirectory;

    /// <summary>Deletes staged files an earlier process left behind (never a live writer's); returns how many.</summary>
    public static int RemoveLeftovers(ILakeStore store) => store switch
    {
        DirectoryLakeStore local => local.RemoveStagedFiles(),
        S3LakeStore remote => remote.RemoveStagedFiles(),
        _ => 0,
    };

    /// <summary>
    /// Runs until <paramref name="stop"/> (buffered rows stay behind the checkpoints and are read again on the next
    /// start), or, once <paramref name="drain"/> is cancelled, until both streams are read to their end and every row is
    /// committed and checkpointed. Completes without throwing either way.
    /// </summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken drain = default)
    {
        var delay = _stageOptions.RetryBaseDelay;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stop, drain).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The writer lost buffered rows (or could not even start): begin again from the checkpoints.
                Restarts++;
                _stageOptions.OnFailure?.Invoke("writer", error, delay);
                try
                {
                    await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = Next(delay);
            }
        }
    }

    private async Task RunOnceAsync(CancellationToken stop, CancellationToken drain)
    {
        var writer = LakeWriter.Create(_store, _options, _time);
        Volatile.Write(ref _writer, writer);
        using var readersStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // Bounded: when the writer waits for a commit, readers wait here instead of reading on; on a stop they are
        // cancelled, and what they read but did not hand over is simply read again from the checkpoint next time.
        var channel = System.Threading.Channels.Channel.CreateBounded<LakeBatch>(new System.Threading.Channels.BoundedChannelOptions(_stageOptions.QueuedBatches)
        {
            SingleReader = true,
            FullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
        });
        var sources = new[] { new Source(_events, EventsConsumer, IsEvents: true), new Source(_badRows, BadRowsConsumer, IsEvents: false) };
        var readers = sources
            .SelectMany(source => source.Stream.Description.Shards.Select(shard => Task.Run(() => ReadShardOrFailAsync(source, shard.ShardId, channel.Writer, readersStop.Token, drain), CancellationToken.None)))
            .ToList();
        // Draining: once every shard is read to its end, the queue completes and the writer flushes everything.
        _ = Task.WhenAll(readers).ContinueWith(_ => channel.Writer.TryComplete(), TaskScheduler.Default);
        try
        {
            await new WriteLoop(this, writer, channel.Reader).RunAsync(stop).ConfigureAwait(false);
        }
        finally
        {
            await readersStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(readers).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            _finished = writer.Stats;
            Volatile.Write(ref _writer, null);
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    // A reader that fails (a corrupt checkpoint, an unreadable segment) completes the queue with its error, which
    // restarts the stage: waiting for the other shards would hide it.
    private async Task ReadShardOrFailAsync(Source source, string shardId, System.Threading.Channels.ChannelWriter<LakeBatch> output, CancellationToken stop, CancellationToken drain)
    {
        try
        {
            await ReadShardAsync(source, shardId, output, stop, drain).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            output.TryComplete(error);
        }
    }

    private async Task ReadShardAsync(Source source, string shardId, System.Threading.Channels.ChannelWriter<LakeBatch> output, CancellationToken stop, CancellationToken drain)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop, drain);
        var position = await _checkpoints.GetAsync(source.Consumer, shardId, stop).ConfigureAwait(false);
        while (true)
        {
            var read = await source.Stream.ReadAsync(shardId, position, _stageOptions.MaxBatchRecords, stop).ConfigureAwait(false);
            if (read.Records.Count == 0)
            {
                if (drain.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    await source.Stream.WaitForRecordsAsync(shardId, position, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (drain.IsCancellationRequested && !stop.IsCancellationRequested)
                {
                    // Draining: read once more, and finish when nothing is left.
                }

                continue;
            }

            await output.WriteAsync(new LakeBatch(source, shardId, read.Records, read.Next), stop).ConfigureAwait(false);
            position = read.Next;
        }
    }

    private TimeSpan Next(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _stageOptions.RetryMaxDelay.Ticks));

    private static AwsCredentials LocalEndpointCredentials()
    {
        var key = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        return string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret)
            ? new AwsCredentials("local", "local")
            : new AwsCredentials(key, secret, Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN"));
    }

    /// <summary>One of the two input streams and its checkpoint name.</summary>
    private sealed record Source(IRecordStream Stream, string Consumer, bool IsEvents);

    /// <summary>Records of one shard, in order, and where that shard's reading continues after them.</summary>
    private sealed record LakeBatch(Source Source, string ShardId, IReadOnlyList<StreamRecord> Records, StreamPosition Next);
}

/// <summary>How the lake stage reads and retries.</summary>
internal sealed record LakeStageOptions
{
    /// <summary>Most records read from a shard at once.</summary>
    public int MaxBatchRecords { get; init; } = 1000;

    /// <summary>Batches read ahead of the writer, over all shards.</summary>
    public int QueuedBatches { get; init; } = 8;

    /// <summary>First wait before a failed commit or a restarted writer; doubles per failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Told about each failure: what failed (commit, checkpoint, writer), the error and the wait before the retry.</summary>
    public Action<string, Exception, TimeSpan>? OnFailure { get; init; }
}
