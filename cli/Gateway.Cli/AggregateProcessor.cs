using Gateway.Processing;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>The aggregate stage of the local pipeline: a batch of the raw stream → KPL aggregates → the aggregated stream.</summary>
/// <remarks>
/// The same aggregation as the Lambda <c>aggregate</c> handler. The stream seam takes no explicit hash key; none is
/// needed, because an aggregate's outer partition key is its first record's, which hashes into the very shard the
/// aggregate was grouped for.
/// </remarks>
internal sealed class AggregateProcessor(IRecordStream target, int targetSize) : IBatchProcessor
{
    public async ValueTask ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
    {
        var options = new KplAggregatorOptions
        {
            TargetSize = targetSize,
            ShardHashKeyRanges = [.. target.Description.Shards.Select(s => new HashKeyRange(s.StartingHashKey, s.EndingHashKey))],
        };
        var users = new UserRecord[batch.Count];
        for (var i = 0; i < users.Length; i++)
        {
            users[i] = new UserRecord(batch[i].PartitionKey, batch[i].Data);
        }

        // All appends at once, so one group commit (or one PutRecords call) carries the whole batch.
        var appends = BatchAggregation.Aggregate(users, options).Select(put => target.AppendAsync(put.PartitionKey, put.Data, cancellationToken).AsTask());
        await Task.WhenAll(appends).ConfigureAwait(false);
    }
}
