using Gateway.Aws;

namespace Gateway.Streams;

/// <content>Reading: positions to shard iterators, GetRecords to stream records.</content>
public sealed partial class KinesisRecordStream
{
    /// <inheritdoc/>
    /// <remarks>GetRecords has no push; this waits one <see cref="KinesisStreamOptions.PollInterval"/>, as KCL consumers do between empty reads.</remarks>
    public ValueTask WaitForRecordsAsync(string shardId, StreamPosition after, CancellationToken cancellationToken = default) =>
        new(Task.Delay(_pollInterval, _time, cancellationToken));

    /// <inheritdoc/>
    /// <remarks>
    /// Kinesis may answer with no records although more follow (MillisBehindLatest &gt; 0); reading again from the same
    /// position continues where that call's iterator stopped. Per-shard limits apply: 5 reads/s, 2 MB/s.
    /// </remarks>
    /// <exception cref="ArgumentException">The stream has no shard <paramref name="shardId"/>.</exception>
    /// <exception cref="AwsServiceException">Kinesis rejected the read (e.g. a sequence number from another shard, or throttling).</exception>
    public ValueTask<ReadResult> ReadAsync(string shardId, StreamPosition after, int maxRecords, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentException.ThrowIfNullOrEmpty(shardId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecords, MaxRecordsPerRead);
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<ReadResult>(cancellationToken)
            : new ValueTask<ReadResult>(ReadCoreAsync(shardId, after, maxRecords, cancellationToken));
    }

    private async Task<ReadResult> ReadCoreAsync(string shardId, StreamPosition after, int maxRecords, CancellationToken cancellationToken)
    {
        await EnsureShardKnownAsync(shardId, cancellationToken).ConfigureAwait(false);
        var issuedAt = _time.GetTimestamp();
        GetRecordsResponse page;
        if (_iterators.TryTake(shardId, after, out var cached))
        {
            try
            {
                page = await GetRecordsAsync(cached, maxRecords, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException e) when (e.ErrorCode == "ExpiredIteratorException")
            {
                // The cached iterator outlived Kinesis's 5 minutes (e.g. the process was suspended); start from the position instead.
                page = await GetRecordsAsync(await GetIteratorAsync(shardId, after, cancellationToken).ConfigureAwait(false), maxRecords, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            page = await GetRecordsAsync(await GetIteratorAsync(shardId, after, cancellationToken).ConfigureAwait(false), maxRecords, cancellationToken).ConfigureAwait(false);
        }

        var records = new StreamRecord[page.Records.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var record = page.Records[i];
            records[i] = new StreamRecord(shardId, record.SequenceNumber, record.ApproximateArrivalTimestamp, record.PartitionKey, record.Data);
        }

        var next = records.Length == 0 ? after : StreamPosition.After(records[^1].SequenceNumber);
        if (page.NextShardIterator is { } iterator)
        {
            _iterators.Put(shardId, next, iterator, issuedAt);
        }

        return new ReadResult(records, next, page.MillisBehindLatest);
    }

    private Task<GetRecordsResponse> GetRecordsAsync(string iterator, int maxRecords, CancellationToken cancellationToken) =>
        _client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = maxRecords }, cancellationToken);

    private async Task<string> GetIteratorAsync(string shardId, StreamPosition after, CancellationToken cancellationToken)
    {
        var request = after.IsTrimHorizon
            ? new GetShardIteratorRequest { StreamName = StreamName, ShardId = shardId, ShardIteratorType = ShardIteratorType.TrimHorizon }
            : new GetShardIteratorRequest { StreamName = StreamName, ShardId = shardId, ShardIteratorType = ShardIteratorType.AfterSequenceNumber, StartingSequenceNumber = after.SequenceNumber };
        var response = await _client.GetShardIteratorAsync(request, cancellationToken).ConfigureAwait(false);
        return response.ShardIterator;
    }

    private async ValueTask EnsureShardKnownAsync(string shardId, CancellationToken cancellationToken)
    {
        if (HasShard(Description, shardId))
        {
            return;
        }

        // A reshard since the stream was opened creates shards the description does not list yet.
        var refreshed = await RefreshDescriptionAsync(cancellationToken).ConfigureAwait(false);
        if (!HasShard(refreshed, shardId))
        {
            throw new ArgumentException(
                $"Unknown shard id '{shardId}'. Kinesis stream '{StreamName}' has: {string.Join(", ", refreshed.Shards.Select(s => s.ShardId))}.",
                nameof(shardId));
        }
    }

    private static bool HasShard(StreamDescription description, string shardId)
    {
        foreach (var shard in description.Shards)
        {
            if (string.Equals(shard.ShardId, shardId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
