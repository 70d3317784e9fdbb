using Gateway.Streams.Internal;

namespace Gateway.Streams;

/// <content>Retention: deleting old closed segments.</content>
public sealed partial class EmbeddedStream
{
    /// <summary>Deletes closed segments whose newest record is older than <see cref="EmbeddedStreamOptions.RetentionPeriod"/>, then the oldest ones while a shard exceeds
    /// <see cref="EmbeddedStreamOptions.MaxBytesPerShard"/>; returns how many were deleted. The stream also does this every <see cref="EmbeddedStreamOptions.RetentionCheckInterval"/>.</summary>
    public ValueTask<int> ApplyRetentionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (IsReadOnly)
        {
            throw new InvalidOperationException("A read-only stream never deletes files; retention runs in the process that opened the stream for writing.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(ApplyRetention());
    }

    private int ApplyRetention()
    {
        var options = _options!;
        var cutoff = (_time.GetUtcNow() - options.RetentionPeriod).ToUnixTimeMilliseconds();
        var deleted = 0;
        foreach (var shard in _shards)
        {
            deleted += RetentionPolicy.Apply(shard, cutoff, options.MaxBytesPerShard, _counters);
        }

        return deleted;
    }

    private void RetentionTick()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            ApplyRetention();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A timer callback has no caller to tell; the next tick retries.
            Interlocked.Increment(ref _counters.BackgroundFailures);
        }
    }
}
