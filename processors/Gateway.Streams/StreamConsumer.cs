namespace Gateway.Streams;

/// <summary>Handles one batch of records read from a shard; returning means the batch is done and may be checkpointed.</summary>
public interface IBatchProcessor
{
    /// <summary>Processes <paramref name="batch"/> (records of one shard, in sequence order); throw to have it retried.</summary>
    ValueTask ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken);
}

/// <summary>Settings of a <see cref="StreamConsumer"/>.</summary>
public sealed record StreamConsumerOptions
{
    /// <summary>Most records handed to the processor at once.</summary>
    public int MaxBatchRecords { get; init; } = 1000;

    /// <summary>
    /// After a read that returned fewer than <see cref="MaxBatchRecords"/>, how long to wait for more before processing
    /// (the KPL's <c>RecordMaxBufferedTime</c>): bigger batches at the cost of this much latency. Zero processes at once.
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.Zero;

    /// <summary>First wait before a failed batch is retried; doubles per failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between retries of a failed batch.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Told about every failed attempt (shard, error, wait before the retry), for logs and metrics.</summary>
    public Action<string, Exception, TimeSpan>? OnFailure { get; init; }
}

/// <summary>Running totals of a <see cref="StreamConsumer"/>.</summary>
/// <param name="Records">Records processed and checkpointed.</param>
/// <param name="Batches">Batches processed and checkpointed.</param>
/// <param name="Failures">Failed attempts (each was retried).</param>
/// <param name="MillisBehindLatest">The largest lag a shard reported on its last read.</param>
public sealed record StreamConsumerMetrics(long Records, long Batches, long Failures, long MillisBehindLatest);

/// <summary>
/// Reads every shard of a stream from a named consumer's checkpoints, hands each batch to an
/// <see cref="IBatchProcessor"/> and commits the checkpoint only after the processor returned: at-least-once, as a
/// Lambda event source mapping or the KCL. A batch that fails is retried with backoff until it succeeds, so a record
/// is never skipped; the shard waits behind it (its lag shows in the metrics).
/// </summary>
/// <remarks>
/// Stopping interrupts waits only: a batch being processed is finished and checkpointed first, so a clean stop does
/// not hand the same records to the processor twice. Draining first lets every shard catch up with what was appended.
/// </remarks>
public sealed class StreamConsumer
{
    private readonly string _name;
    private readonly IRecordStream _stream;
    private readonly ICheckpointStore _checkpoints;
    private readonly IBatchProcessor _processor;
    private readonly StreamConsumerOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, long> _lag = [];
    private long _records;
    private long _batches;
    private long _failures;

    /// <summary>Creates a consumer named <paramref name="name"/> (its checkpoints are kept under that name).</summary>
    public StreamConsumer(string name, IRecordStream stream, ICheckpointStore checkpoints, IBatchProcessor processor, StreamConsumerOptions? options = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(processor);
        _options = options ?? new StreamConsumerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchRecords, 1, nameof(options));
        _name = name;
        _stream = stream;
        _checkpoints = checkpoints;
        _processor = processor;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A snapshot of the totals.</summary>
    public StreamConsumerMetrics GetMetrics()
    {
        lock (_lag)
        {
            return new StreamConsumerMetrics(Interlocked.Read(ref _records), Interlocked.Read(ref _batches), Interlocked.Read(ref _failures), _lag.Count == 0 ? 0 : _lag.Values.Max());
        }
    }

    /// <summary>
    /// Consumes every shard until <paramref name="stop"/> is cancelled, or, once <paramref name="drain"/> is cancelled,
    /// until each shard has nothing left to read; completes without throwing either way.
    /// </summary>
    public Task RunAsync(CancellationToken stop, CancellationToken drain = default) =>
        Task.WhenAll(_stream.Description.Shards.Select(shard => Task.Run(() => RunShardAsync(shard.ShardId, stop, drain), CancellationToken.None)));

    private async Task RunShardAsync(string shardId, CancellationToken stop, CancellationToken drain)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop, drain);
        try
        {
            var position = await _checkpoints.GetAsync(_name, shardId, stop).ConfigureAwait(false);
            while (!stop.IsCancellationRequested)
            {
                var read = await _stream.ReadAsync(shardId, position, _options.MaxBatchRecords, stop).ConfigureAwait(false);
                lock (_lag)
                {
                    _lag[shardId] = read.MillisBehindLatest;
                }

                if (read.Records.Count == 0)
                {
                    if (drain.IsCancellationRequested)
                    {
                        return;
                    }

                    try
                    {
                        await _stream.WaitForRecordsAsync(shardId, position, idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (drain.IsCancellationRequested && !stop.IsCancellationRequested)
                    {
                        // Draining: read once more, and finish when nothing is left.
                    }

                    continue;
                }

                var batch = read.Records;
                var next = read.Next;
                if (_options.Linger > TimeSpan.Zero && batch.Count < _options.MaxBatchRecords && !drain.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(_options.Linger, _time, idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                    {
                        // Draining began: no more waiting, but top the batch up with what is there.
                    }

                    var more = await _stream.ReadAsync(shardId, next, _options.MaxBatchRecords - batch.Count, CancellationToken.None).ConfigureAwait(false);
                    if (more.Records.Count > 0)
                    {
                        batch = [.. batch, .. more.Records];
                        next = more.Next;
                    }
                }

                await ProcessUntilDoneAsync(shardId, batch, stop).ConfigureAwait(false);
                // After the processor returned, never before: a crash in between replays the batch (at-least-once).
                await _checkpoints.CommitAsync(_name, shardId, next, CancellationToken.None).ConfigureAwait(false);
                position = next;
                Interlocked.Add(ref _records, batch.Count);
                Interlocked.Increment(ref _batches);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping while waiting: nothing half done.
        }
    }

    private async Task ProcessUntilDoneAsync(string shardId, IReadOnlyList<StreamRecord> batch, CancellationToken stop)
    {
        var delay = _options.RetryBaseDelay;
        while (true)
        {
            try
            {
                // Not the stop token: a batch that has started is finished, so a clean stop replays nothing.
                await _processor.ProcessAsync(batch, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception error)
            {
                Interlocked.Increment(ref _failures);
                _options.OnFailure?.Invoke(shardId, error, delay);
                // Cancelled while backing off: the batch stays unacknowledged and is read again on the next start.
                await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.RetryMaxDelay.Ticks));
            }
        }
    }
}
