using System.Threading.Channels;
using Gateway.Aws;

namespace Gateway.Streams.Internal;

/// <summary>One append waiting for a PutRecords call.</summary>
internal sealed class PendingAppend(string partitionKey, ReadOnlyMemory<byte> data, int size)
{
    private readonly TaskCompletionSource<AppendResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PutRecordsRequestEntry Entry { get; } = new() { PartitionKey = partitionKey, Data = data };

    /// <summary>Data plus UTF-8 partition-key bytes, as Kinesis counts them against the 5 MiB request limit.</summary>
    public int Size { get; } = size;

    public Task<AppendResult> Task => _completion.Task;

    public void Succeed(AppendResult result) => _completion.TrySetResult(result);

    public void Fail(Exception error) => _completion.TrySetException(error);
}

/// <summary>
/// Groups concurrent appends into PutRecords calls: each sender takes everything queued (up to the per-call record
/// and byte limits) as one batch, so appends that arrive while a call is in flight ride together in the next one.
/// </summary>
/// <remarks>
/// The queue is a bounded channel. When it is full, <see cref="EnqueueAsync"/> waits for space (backpressure on
/// the callers; only that wait can be cancelled). <see cref="Complete"/> (on dispose) stops new appends, and the
/// senders keep going until every queued append has been sent and answered. An append completes successfully only
/// with the shard and sequence number Kinesis assigned; an entry Kinesis still rejected after the writer's retries,
/// or a failed call, fails its appends.
/// </remarks>
internal sealed class KinesisAppendBatcher
{
    private readonly Channel<PendingAppend> _queue;
    private readonly KinesisRecordWriter _writer;
    private readonly string _streamName;
    private readonly int _maxRecords;
    private readonly int _maxBytes;

    public KinesisAppendBatcher(KinesisRecordWriter writer, string streamName, int capacity, int senders)
    {
        _writer = writer;
        _streamName = streamName;
        _maxRecords = writer.Options.MaxRecordsPerRequest;
        _maxBytes = writer.Options.MaxBytesPerRequest;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = senders == 1,
            SingleWriter = false,
        });
        Completion = Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(SendLoopAsync)));
    }

    /// <summary>Completes once <see cref="Complete"/> was called and every queued append has been answered.</summary>
    public Task Completion { get; }

    public bool TryEnqueue(PendingAppend append) => _queue.Writer.TryWrite(append);

    /// <exception cref="ChannelClosedException">The batcher was completed (the stream disposed) while waiting.</exception>
    public ValueTask EnqueueAsync(PendingAppend append, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(append, cancellationToken);

    public void Complete() => _queue.Writer.TryComplete();

    private async Task SendLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(_maxRecords);
        PendingAppend? carry = null;
        while (carry is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            var bytes = 0L;
            if (carry is not null)
            {
                batch.Add(carry);
                bytes = carry.Size;
                carry = null;
            }

            while (batch.Count < _maxRecords && reader.TryRead(out var next))
            {
                if (bytes + next.Size > _maxBytes)
                {
                    // Starts the next batch, so it is neither reordered behind later appends nor dropped.
                    carry = next;
                    break;
                }

                batch.Add(next);
                bytes += next.Size;
            }

            if (batch.Count > 0)
            {
                await SendAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private async Task SendAsync(List<PendingAppend> batch)
    {
        PutRecordsResponse response;
        try
        {
            // Not cancellable: once taken from the queue an append is sent and answered, even during dispose.
            response = await _writer.PutRecordsAsync(_streamName, batch.ConvertAll(a => a.Entry), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var append in batch)
            {
                append.Fail(e);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var result = response.Records[i];
            if (result.Succeeded && result.ShardId is { } shardId && result.SequenceNumber is { } sequenceNumber)
            {
                batch[i].Succeed(new AppendResult(shardId, sequenceNumber));
            }
            else
            {
                batch[i].Fail(new AwsServiceException(
                    "Kinesis",
                    "PutRecords",
                    result.ErrorCode ?? "InternalFailure",
                    result.ErrorMessage,
                    statusCode: null,
                    $"stream '{_streamName}' did not store the record after {_writer.Options.MaxAttempts} attempt(s), so the append was not acknowledged; "
                    + "retry it later, add shards, or raise KinesisStreamOptions.Writer.MaxAttempts"));
            }
        }
    }
}
