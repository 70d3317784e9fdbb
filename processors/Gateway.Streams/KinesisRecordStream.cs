using System.Globalization;
using System.Threading.Channels;
using Gateway.Aws;
using Gateway.Streams.Internal;

namespace Gateway.Streams;

/// <summary>An <see cref="IRecordStream"/> backed by a Kinesis Data Stream (AWS, kinesalite, LocalStack or any Kinesis-API endpoint).</summary>
/// <remarks>
/// Appends are grouped into PutRecords calls and acknowledged with the shard and sequence number Kinesis assigned;
/// reads map positions to GetShardIterator (TRIM_HORIZON / AFTER_SEQUENCE_NUMBER) and GetRecords. The client is
/// the caller's: disposing the stream flushes pending appends but leaves the client open.
/// </remarks>
public sealed partial class KinesisRecordStream : IRecordStream
{
    // Kinesis GetRecords returns at most 10,000 records per call.
    private const int MaxRecordsPerRead = 10_000;

    private readonly KinesisClient _client;
    private readonly KinesisRecordWriter _writer;
    private readonly KinesisAppendBatcher _batcher;
    private readonly ShardIteratorCache _iterators;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private StreamDescription _description;
    private int _disposed;

    private KinesisRecordStream(KinesisClient client, KinesisStreamOptions options, StreamDescription description, TimeProvider time)
    {
        _client = client;
        _time = time;
        _pollInterval = options.PollInterval;
        _description = description;
        _writer = new KinesisRecordWriter(client, options.Writer, time);
        _batcher = new KinesisAppendBatcher(_writer, options.StreamName, options.QueueCapacity, options.MaxConcurrentRequests);
        _iterators = new ShardIteratorCache(time);
    }

    /// <inheritdoc/>
    /// <remarks>All shards ListShards reported when the stream was opened (or last refreshed), closed parents of a reshard included, in shard-id order.</remarks>
    public StreamDescription Description => Volatile.Read(ref _description);

    /// <summary>The Kinesis stream's name.</summary>
    public string StreamName => _description.Name;

    /// <summary>
    /// Opens the stream: waits until it is ACTIVE (creating it first when <see cref="KinesisStreamOptions.CreateIfMissing"/>
    /// is set and it does not exist) and lists its shards.
    /// </summary>
    /// <exception cref="AwsServiceException">The stream does not exist (and may not be created), or the credentials/endpoint are wrong.</exception>
    public static async Task<KinesisRecordStream> OpenAsync(KinesisStreamOptions options, KinesisClient client, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(client);
        options.Validate();
        try
        {
            await client.WaitForStreamActiveAsync(options.StreamName, options.ActiveTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException e) when (e.ErrorCode == "ResourceNotFoundException" && options.CreateIfMissing)
        {
            try
            {
                await client.CreateStreamAsync(new CreateStreamRequest { StreamName = options.StreamName, ShardCount = options.ShardCount }, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException inUse) when (inUse.ErrorCode == "ResourceInUseException")
            {
                // Another process created it first; waiting for ACTIVE below covers both.
            }

            await client.WaitForStreamActiveAsync(options.StreamName, options.ActiveTimeout, cancellationToken).ConfigureAwait(false);
        }

        var description = await ListShardsAsync(client, options.StreamName, cancellationToken).ConfigureAwait(false);
        return new KinesisRecordStream(client, options, description, time ?? TimeProvider.System);
    }

    /// <summary>A snapshot of the PutRecords counters (calls, throttled entries, retries, failed entries).</summary>
    public KinesisWriterMetrics GetMetrics() => _writer.GetMetrics();

    /// <summary>Lists the shards again (after a reshard) and makes the result the new <see cref="Description"/>.</summary>
    public async Task<StreamDescription> RefreshDescriptionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var description = await ListShardsAsync(_client, StreamName, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _description, description);
        return description;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Completes when Kinesis has stored the record, with the shard and sequence number it assigned. Cancellation only
    /// applies while the call waits for queue space; once queued, the record is sent (the batcher reads
    /// <paramref name="data"/> in place, so the call cannot return before it has).
    /// </remarks>
    /// <exception cref="AwsServiceException">Kinesis did not store the record (after the writer's retries), or the call failed.</exception>
    public ValueTask<AppendResult> AppendAsync(string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var keyBytes = RecordLimits.Validate(partitionKey, data.Length);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<AppendResult>(cancellationToken);
        }

        var append = new PendingAppend(partitionKey, data, keyBytes + data.Length);
        return _batcher.TryEnqueue(append) ? new ValueTask<AppendResult>(append.Task) : EnqueueWhenSpaceAsync(append, cancellationToken);
    }

    /// <summary>Stops taking appends, sends every queued one and waits for Kinesis's answers; later appends throw <see cref="ObjectDisposedException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _batcher.Complete();
        await _batcher.Completion.ConfigureAwait(false);
    }

    private static async Task<StreamDescription> ListShardsAsync(KinesisClient client, string streamName, CancellationToken cancellationToken)
    {
        var shards = await client.ListAllShardsAsync(streamName, cancellationToken).ConfigureAwait(false);
        var described = shards
            .Select(s => new ShardDescription(
                s.ShardId,
                UInt128.Parse(s.HashKeyRange.StartingHashKey, NumberStyles.None, CultureInfo.InvariantCulture),
                UInt128.Parse(s.HashKeyRange.EndingHashKey, NumberStyles.None, CultureInfo.InvariantCulture)))
            .OrderBy(s => s.ShardId, StringComparer.Ordinal)
            .ToList();
        return new StreamDescription(streamName, described);
    }

    private async ValueTask<AppendResult> EnqueueWhenSpaceAsync(PendingAppend append, CancellationToken cancellationToken)
    {
        try
        {
            await _batcher.EnqueueAsync(append, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(KinesisRecordStream), "The stream was disposed while this append waited for queue space.");
        }

        return await append.Task.ConfigureAwait(false);
    }
}
