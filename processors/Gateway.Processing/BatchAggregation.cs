namespace Gateway.Processing;

/// <summary>One Kinesis record produced from a batch, and which of the batch's user records it carries.</summary>
/// <param name="PartitionKey">The outer partition key.</param>
/// <param name="ExplicitHashKey">The outer explicit hash key (decimal), or null.</param>
/// <param name="Data">The data blob: a KPL aggregate, or one user record's data sent as is.</param>
/// <param name="UserRecordIndexes">Positions in the input batch of the user records inside, in order.</param>
public sealed record AggregatedPut(string PartitionKey, string? ExplicitHashKey, byte[] Data, int[] UserRecordIndexes);

/// <summary>
/// Aggregates a whole batch of user records (a Lambda event, a read from the raw stream) into Kinesis records and
/// keeps track of which user records each one carries, so a failed put can be traced back to the input records
/// that must be retried.
/// </summary>
public static class BatchAggregation
{
    /// <summary>Aggregates <paramref name="records"/>; every input record ends up in exactly one output.</summary>
    /// <exception cref="ArgumentException">A record breaks a Kinesis limit; the message names its position, the limit and the fix.</exception>
    public static List<AggregatedPut> Aggregate(IReadOnlyList<UserRecord> records, KplAggregatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(options);
        var puts = new List<AggregatedPut>();
        // Per shard, the positions of records added but not yet emitted: a shard's records leave in the order they came.
        var waiting = new Queue<int>[options.ShardHashKeyRanges.Count];
        for (var s = 0; s < waiting.Length; s++)
        {
            waiting[s] = new Queue<int>();
        }

        var current = -1;
        var currentEmitted = false;
        using var aggregator = new KplAggregator(options, (in KinesisPutRecord put) =>
        {
            var queue = waiting[put.ShardIndex];
            var indexes = new int[put.UserRecordCount];
            for (var i = 0; i < indexes.Length; i++)
            {
                // The record being added is the only one that can leave before it was queued, and it is always last.
                if (queue.TryDequeue(out var index))
                {
                    indexes[i] = index;
                }
                else
                {
                    indexes[i] = current;
                    currentEmitted = true;
                }
            }

            puts.Add(new AggregatedPut(put.PartitionKey, put.ExplicitHashKey.IsEmpty ? null : put.ExplicitHashKey.ToString(), put.Data.ToArray(), indexes));
        });

        for (var i = 0; i < records.Count; i++)
        {
            current = i;
            currentEmitted = false;
            var record = records[i];
            if (!aggregator.TryAdd(record.PartitionKey, record.ExplicitHashKey, record.Data.Span, out var shard, out var error))
            {
                throw new ArgumentException($"User record {i} cannot be sent to Kinesis: {KplAggregator.Describe(error)}", nameof(records));
            }

            if (!currentEmitted)
            {
                waiting[shard].Enqueue(i);
            }
        }

        current = -1;
        aggregator.Flush();
        return puts;
    }
}
