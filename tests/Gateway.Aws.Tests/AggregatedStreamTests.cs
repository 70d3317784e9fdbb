using System.Globalization;
using Gateway.Aws.Tests.Support;
using Gateway.Processing;
using Gateway.Tests.Shared;
using ShardRange = Gateway.Processing.HashKeyRange;

namespace Gateway.Aws.Tests;

/// <summary>The aggregated stream end to end: our KPL aggregator → PutRecords on kinesalite → GetRecords → our de-aggregator.</summary>
public sealed class AggregatedStreamTests(Kinesalite kinesalite) : IClassFixture<Kinesalite>
{
    [Fact]
    public async Task Ten_thousand_user_records_aggregated_into_kinesis_come_back_once_each_in_shard_order()
    {
        const int Count = 10_000;
        using var client = kinesalite.CreateClient();
        var name = kinesalite.NewStreamName("aggregated");
        await Kinesalite.CreateStreamAsync(client, name, shards: 4);
        var shards = await client.ListAllShardsAsync(name);
        var ranges = shards.Select(s => new ShardRange(Parse(s.HashKeyRange.StartingHashKey), Parse(s.HashKeyRange.EndingHashKey))).ToArray();

        var entries = new List<PutRecordsRequestEntry>();
        var expectedShard = new List<int>();
        using (var aggregator = new KplAggregator(new KplAggregatorOptions { ShardHashKeyRanges = ranges }, (in KinesisPutRecord record) =>
        {
            entries.Add(new PutRecordsRequestEntry
            {
                PartitionKey = record.PartitionKey,
                ExplicitHashKey = record.ExplicitHashKey.IsEmpty ? null : record.ExplicitHashKey.ToString(),
                Data = record.Data.ToArray(),
            });
            expectedShard.Add(record.ShardIndex);
        }))
        {
            for (var id = 0L; id < Count; id++)
            {
                aggregator.Add(new UserRecord(Some.PartitionKey(id), Some.Payload(id)));
            }

            aggregator.Flush();
        }

        var put = await new KinesisRecordWriter(client).PutRecordsAsync(name, entries);

        Assert.Equal(0, put.FailedRecordCount);
        // Each aggregate lands in the shard its sub-records hash to, so a KCL consumer keeps every sub-record.
        for (var i = 0; i < entries.Count; i++)
        {
            Assert.Equal(shards[expectedShard[i]].ShardId, put.Records[i].ShardId);
        }

        // ~56-byte user records at the 5 KB target: about 80 per Kinesis record instead of one each.
        Assert.InRange(entries.Count, Count / 100, Count / 40);
        Assert.All(entries, e => Assert.True(e.Data.Length + e.PartitionKey.Length <= KplAggregatorOptions.DefaultTargetSize));

        var seen = new Dictionary<long, string>();
        foreach (var shard in shards)
        {
            var lastIdPerKey = new Dictionary<string, long>();
            var iterator = (await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = name, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TrimHorizon })).ShardIterator;
            while (iterator is not null)
            {
                var page = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 1000 });
                foreach (var record in page.Records)
                {
                    var result = KplDeaggregator.Deaggregate(record.Data.Span, record.PartitionKey, null, (in DeaggregatedRecord user) =>
                    {
                        var id = Some.PayloadId(user.Data);
                        Assert.True(seen.TryAdd(id, shard.ShardId), $"user record {id} was read twice");
                        Assert.Equal(Some.PartitionKey(id), user.PartitionKey);
                        Assert.Equal(Some.Payload(id), user.Data.ToArray());
                        // Per partition key, records come back in the order they were added.
                        Assert.True(!lastIdPerKey.TryGetValue(user.PartitionKey, out var last) || last < id, $"user record {id} is out of order");
                        lastIdPerKey[user.PartitionKey] = id;
                    });
                    Assert.True(result.IsAggregated || result.RecordCount <= 1);
                }

                iterator = page.Records.Count == 0 ? null : page.NextShardIterator;
            }
        }

        Assert.Equal(Count, seen.Count);
    }

    private static UInt128 Parse(string value) => UInt128.Parse(value, CultureInfo.InvariantCulture);
}
