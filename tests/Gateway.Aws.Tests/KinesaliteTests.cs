using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Gateway.Aws.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Aws.Tests;

/// <summary>The client against kinesalite, a Kinesis-API server written by someone else.</summary>
public sealed class KinesaliteTests(Kinesalite kinesalite) : IClassFixture<Kinesalite>
{
    private static readonly BigInteger MaxHashKey = BigInteger.Pow(2, 128) - 1;

    [Fact]
    public async Task A_created_stream_becomes_ACTIVE_with_shards_covering_the_whole_hash_key_space()
    {
        using var client = kinesalite.CreateClient();
        var name = kinesalite.NewStreamName("create");

        await client.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = 3 });
        var summary = await client.WaitForStreamActiveAsync(name, TimeSpan.FromSeconds(30));
        var shards = await client.ListAllShardsAsync(name);

        Assert.Equal(StreamStatus.Active, summary.StreamStatus);
        Assert.Equal(name, summary.StreamName);
        Assert.Equal(3, summary.OpenShardCount);
        Assert.EndsWith($":stream/{name}", summary.StreamARN, StringComparison.Ordinal);
        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"], shards.Select(s => s.ShardId));
        Assert.Equal(BigInteger.Zero, BigInteger.Parse(shards[0].HashKeyRange.StartingHashKey, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(MaxHashKey, BigInteger.Parse(shards[^1].HashKeyRange.EndingHashKey, System.Globalization.CultureInfo.InvariantCulture));
        for (var i = 1; i < shards.Count; i++)
        {
            Assert.Equal(
                BigInteger.Parse(shards[i - 1].HashKeyRange.EndingHashKey, System.Globalization.CultureInfo.InvariantCulture) + 1,
                BigInteger.Parse(shards[i].HashKeyRange.StartingHashKey, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.All(shards, s => Assert.Null(s.SequenceNumberRange.EndingSequenceNumber));
    }

    [Fact]
    public async Task Ten_thousand_records_put_with_throttled_retries_read_back_once_each_from_every_shard()
    {
        const int Count = 10_000;
        // Every entry at an index divisible by 7 in every third call is throttled (not stored) and must be retried.
        var throttling = new ThrottlingHandler((call, index) => call % 3 == 1 && index % 7 == 0);
        using var http = new HttpClient(throttling);
        using var client = kinesalite.CreateClient(http: http);
        var name = kinesalite.NewStreamName("roundtrip");
        await Kinesalite.CreateStreamAsync(client, name, shards: 4);
        var writer = new KinesisRecordWriter(client, new KinesisRecordWriterOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(10) });
        var records = Some.Entries(Count);

        var put = await writer.PutRecordsAsync(name, records);

        Assert.Equal(0, put.FailedRecordCount);
        var metrics = writer.GetMetrics();
        Assert.True(throttling.ThrottledEntries > 0, "the throttling handler should have rejected some entries");
        Assert.Equal(throttling.ThrottledEntries, metrics.ThrottledEntries);
        Assert.Equal(metrics.ThrottledEntries, metrics.RetriedEntries);
        Assert.Equal(Count, metrics.RecordsSucceeded);
        Assert.Equal(0, metrics.FailedEntries);

        var shards = await client.ListAllShardsAsync(name);
        var read = new Dictionary<long, (string ShardId, Record Record)>();
        foreach (var shard in shards)
        {
            var iterator = (await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = name, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TrimHorizon })).ShardIterator;
            var previous = BigInteger.MinusOne;
            while (true)
            {
                var page = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator, Limit = 1000 });
                foreach (var record in page.Records)
                {
                    var id = Some.PayloadId(record.Data.Span);
                    Assert.True(read.TryAdd(id, (shard.ShardId, record)), $"record {id} was read twice");
                    var sequence = BigInteger.Parse(record.SequenceNumber, System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(sequence > previous, $"sequence numbers in {shard.ShardId} must increase");
                    previous = sequence;
                    // The record landed in the shard whose range holds MD5(partition key), as on AWS.
                    var hash = new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(record.PartitionKey)), isUnsigned: true, isBigEndian: true);
                    Assert.InRange(hash, BigInteger.Parse(shard.HashKeyRange.StartingHashKey, System.Globalization.CultureInfo.InvariantCulture), BigInteger.Parse(shard.HashKeyRange.EndingHashKey, System.Globalization.CultureInfo.InvariantCulture));
                }

                if (page.Records.Count == 0 || page.NextShardIterator is null)
                {
                    break;
                }

                iterator = page.NextShardIterator;
            }
        }

        Assert.Equal(Count, read.Count);
        Assert.True(shards.All(s => read.Values.Any(r => r.ShardId == s.ShardId)), "1000 partition keys should reach all 4 shards");
        for (var id = 0L; id < Count; id++)
        {
            var (shardId, record) = read[id];
            Assert.Equal(Some.PartitionKey(id), record.PartitionKey);
            Assert.Equal(Some.Payload(id), record.Data.ToArray());
            // What PutRecords acknowledged is exactly where the record is.
            Assert.Equal(put.Records[(int)id].ShardId, shardId);
            Assert.Equal(put.Records[(int)id].SequenceNumber, record.SequenceNumber);
        }
    }

    [Fact]
    public async Task Reading_after_a_sequence_number_continues_with_the_next_record()
    {
        using var client = kinesalite.CreateClient();
        var name = kinesalite.NewStreamName("after");
        await Kinesalite.CreateStreamAsync(client, name, shards: 1);
        var put = await new KinesisRecordWriter(client).PutRecordsAsync(name, Some.Entries(5));

        var iterator = await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = name,
            ShardId = put.Records[1].ShardId!,
            ShardIteratorType = ShardIteratorType.AfterSequenceNumber,
            StartingSequenceNumber = put.Records[1].SequenceNumber,
        });
        var page = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator.ShardIterator });

        Assert.Equal([2L, 3, 4], page.Records.Select(r => Some.PayloadId(r.Data.Span)));
        Assert.Equal(0, page.MillisBehindLatest);
        Assert.NotNull(page.NextShardIterator);
    }

    [Fact]
    public async Task Writing_to_a_missing_stream_fails_with_ResourceNotFoundException_naming_stream_and_fix()
    {
        using var client = kinesalite.CreateClient();
        var writer = new KinesisRecordWriter(client);

        var put = await Assert.ThrowsAsync<AwsServiceException>(() => writer.PutRecordsAsync("no-such-stream", Some.Entries(3)));
        var iterator = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetShardIteratorAsync(
            new GetShardIteratorRequest { StreamName = "no-such-stream", ShardId = "shardId-000000000000", ShardIteratorType = ShardIteratorType.TrimHorizon }));

        Assert.Equal("ResourceNotFoundException", put.ErrorCode);
        Assert.Equal("PutRecords", put.Operation);
        Assert.Contains("stream 'no-such-stream' does not exist in us-east-1", put.Message, StringComparison.Ordinal);
        Assert.Contains("create it or check the name/region", put.Message, StringComparison.Ordinal);
        Assert.NotNull(put.RequestId);
        Assert.Equal("ResourceNotFoundException", iterator.ErrorCode);
        Assert.Equal("GetShardIterator", iterator.Operation);
    }

    [Fact]
    public async Task Creating_an_existing_stream_fails_with_ResourceInUseException_and_deleting_it_removes_it()
    {
        using var client = kinesalite.CreateClient();
        var name = kinesalite.NewStreamName("twice");
        await Kinesalite.CreateStreamAsync(client, name, shards: 1);

        var again = await Assert.ThrowsAsync<AwsServiceException>(() => client.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = 1 }));
        Assert.Equal("ResourceInUseException", again.ErrorCode);
        Assert.Contains("already exists", again.Message, StringComparison.Ordinal);

        await client.DeleteStreamAsync(new DeleteStreamRequest { StreamName = name });
        var gone = await PollUntilGoneAsync(client, name);
        Assert.Equal("ResourceNotFoundException", gone.ErrorCode);
        Assert.Equal("DescribeStreamSummary", gone.Operation);
    }

    [Fact]
    public async Task An_invalid_request_is_rejected_by_the_server_with_a_typed_error()
    {
        using var client = kinesalite.CreateClient();

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.CreateStreamAsync(new CreateStreamRequest { StreamName = "bad name!", ShardCount = 1 }));

        Assert.Equal("ValidationException", e.ErrorCode);
        Assert.Contains("the message names the field", e.Message, StringComparison.Ordinal);
    }

    private static async Task<AwsServiceException> PollUntilGoneAsync(KinesisClient client, string name)
    {
        // kinesalite keeps a deleted stream in DELETING for 50 ms (see the launcher).
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                await client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = name });
            }
            catch (AwsServiceException e)
            {
                return e;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"stream {name} was not deleted");
    }
}
