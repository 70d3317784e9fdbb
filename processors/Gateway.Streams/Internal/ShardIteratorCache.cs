namespace Gateway.Streams.Internal;

/// <summary>
/// The NextShardIterator of each read, kept under the position the read ended at, so a reader that continues from
/// there skips GetShardIterator (half the calls against the 5 reads/s per-shard limit) and keeps the iterator's progress
/// over empty stretches of the shard, which a fresh AFTER_SEQUENCE_NUMBER iterator would have to cross again.
/// </summary>
internal sealed class ShardIteratorCache(TimeProvider time)
{
    // Kinesis iterators expire after 5 minutes; a margin covers the call that will use it.
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(4);

    // Abandoned positions would pile up forever; a reader rarely follows more than a few positions per shard.
    private const int MaxEntries = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string ShardId, string? After), (string Iterator, long IssuedAt)> _entries = [];

    /// <summary>Takes (removes) the iterator stored for reading <paramref name="shardId"/> after <paramref name="after"/>, if still fresh.</summary>
    public bool TryTake(string shardId, StreamPosition after, out string iterator)
    {
        lock (_gate)
        {
            if (_entries.Remove((shardId, after.SequenceNumber), out var entry) && time.GetElapsedTime(entry.IssuedAt) < MaxAge)
            {
                iterator = entry.Iterator;
                return true;
            }
        }

        iterator = "";
        return false;
    }

    /// <summary>Stores the iterator that continues <paramref name="shardId"/> after <paramref name="after"/>; <paramref name="issuedAt"/> is when it was requested.</summary>
    public void Put(string shardId, StreamPosition after, string iterator, long issuedAt)
    {
        lock (_gate)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            _entries[(shardId, after.SequenceNumber)] = (iterator, issuedAt);
        }
    }
}
