using Gateway.Streams.Internal;

namespace Gateway.Streams;

/// <content>Reading and waiting for records.</content>
public sealed partial class EmbeddedStream
{
    // Another process writes a read-only stream, so there is no in-process signal; a quarter second keeps dashboards under their 1 s budget.
    private static readonly TimeSpan ReadOnlyPollInterval = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Unknown shard id, or a sequence number that is not a positive decimal integer.</exception>
    /// <exception cref="StreamCorruptionException">A record before the end of the shard failed validation.</exception>
    public ValueTask<ReadResult> ReadAsync(string shardId, StreamPosition after, int maxRecords, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var shard = GetShard(shardId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecords, MaxRecordsPerRead);
        var afterSequenceNumber = SequenceNumbers.ParseAfter(after, nameof(after));
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ReadResult>(cancellationToken);
        }

        try
        {
            // Segment reads hit the page cache almost always; going async per read would cost more than it saves.
            return ValueTask.FromResult(ShardReader.Read(shard, after, afterSequenceNumber, maxRecords, IsReadOnly, _time, _counters));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ValueTask.FromException<ReadResult>(e);
        }
    }

    /// <summary>Completes as soon as <paramref name="shardId"/> has a record after <paramref name="after"/>.</summary>
    /// <remarks>In the writing process the writer wakes waiters when it commits; a read-only stream checks the files every 250 ms on its clock.</remarks>
    public ValueTask WaitForRecordsAsync(string shardId, StreamPosition after, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var shard = GetShard(shardId);
        var afterSequenceNumber = SequenceNumbers.ParseAfter(after, nameof(after));
        return IsReadOnly
            ? PollForRecordsAsync(shard, after, afterSequenceNumber, cancellationToken)
            : shard.WaitForCommitAsync(afterSequenceNumber, cancellationToken);
    }

    private async ValueTask PollForRecordsAsync(ShardLog shard, StreamPosition after, long afterSequenceNumber, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (ShardReader.Read(shard, after, afterSequenceNumber, 1, readOnly: true, _time, counters: null).Records.Count > 0)
            {
                return;
            }

            await Task.Delay(ReadOnlyPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
