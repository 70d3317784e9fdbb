using System.Text.Json.Nodes;
using FsCheck.Fluent;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests;

/// <summary>
/// Both directions against the npm package aws-kinesis-agg (tools/kpl/kpl.js), on FsCheck-generated records:
/// unicode keys, empty data, explicit hash keys, several shards, and sizes at the aggregate boundaries.
/// </summary>
public sealed class AwsKinesisAggCrossCheckTests
{
    private const int Batches = 120;

    [Fact]
    public void Our_aggregates_deaggregate_in_aws_kinesis_agg_with_checksums_to_exactly_our_inputs()
    {
        var seed = Some.Seed();
        var requests = new List<string>();
        var expectations = new List<(PutRecordCopy Output, RecordSpec[] Records, AggregationCase Case)>();
        foreach (var c in Some.Sample(Some.AggregationCase(), Batches, seed))
        {
            var ranges = c.Options.ShardHashKeyRanges;

            // Which inputs each output must hold, worked out from the shard rule alone: per shard, in input order.
            var queues = Enumerable.Range(0, ranges.Count)
                .Select(s => new Queue<RecordSpec>(c.Records.Where(r => Some.ShardOf(r.EffectiveHashKey, ranges) == s)))
                .ToArray();
            foreach (var output in Capture.Aggregate(c.Records.Select(r => r.ToUserRecord()), c.Options))
            {
                var held = Enumerable.Range(0, output.UserRecordCount).Select(_ => queues[output.ShardIndex].Dequeue()).ToArray();
                expectations.Add((output, held, c));
                requests.Add(new JsonObject
                {
                    ["partitionKey"] = output.PartitionKey,
                    ["explicitHashKey"] = output.ExplicitHashKey,
                    ["data"] = Convert.ToBase64String(output.Data),
                }.ToJsonString());
            }

            Assert.All(queues, q => Assert.Empty(q));
        }

        var replies = NodeKpl.Deaggregate(requests);

        for (var i = 0; i < replies.Count; i++)
        {
            var (output, held, c) = expectations[i];
            var context = $"seed {seed} (KPL_TEST_SEED), {output} of case {c}";
            var reply = replies[i];
            Assert.True((bool)reply["ok"]!, $"aws-kinesis-agg rejected {context}: {reply["error"]}");
            var records = reply["records"]!.AsArray();
            Assert.True(held.Length == records.Count, $"aws-kinesis-agg found {records.Count} records in {context}");

            // aws-kinesis-agg reports explicit_hash_key_table[0] for a sub-record without an index (spec 01, 1.4).
            var firstTableEntry = output.IsAggregated ? held.Select(r => r.ExplicitHashKey).FirstOrDefault(e => e is not null) : output.ExplicitHashKey;
            for (var j = 0; j < held.Length; j++)
            {
                var theirs = records[j]!;
                Assert.Equal(held[j].PartitionKey, (string?)theirs["partitionKey"]);
                Assert.Equal(held[j].ExplicitHashKey ?? firstTableEntry, (string?)theirs["explicitHashKey"]);
                Assert.True(Convert.ToHexString(held[j].Data) == Convert.ToHexString(Convert.FromBase64String((string)theirs["data"]!)), $"data of record {j} differs in {context}");
                Assert.Equal(output.IsAggregated ? j : null, (int?)theirs["subSequenceNumber"]);
            }
        }
    }

    [Fact]
    public void Aws_kinesis_agg_aggregates_deaggregate_here_to_exactly_its_inputs()
    {
        var seed = Some.Seed();
        var batches = Some.Sample(Some.AggregationCase(), Batches, seed).Select(c => c.Records.Select(AvoidingIntegerLikeKeys).ToArray()).ToArray();

        var replies = NodeKpl.Aggregate(batches.Select(ToAggregateRequest).ToList());

        for (var i = 0; i < batches.Length; i++)
        {
            var context = $"seed {seed} (KPL_TEST_SEED), batch [{string.Join(", ", batches[i].Select(r => r.ToString()))}]";
            Assert.True((bool)replies[i]["ok"]!, $"aws-kinesis-agg failed on {context}: {replies[i]["error"]}");
            var ours = new List<UserRecordCopy>();
            foreach (var output in replies[i]["records"]!.AsArray())
            {
                var (result, records) = Capture.Deaggregate(Convert.FromBase64String((string)output!["data"]!), (string)output["partitionKey"]!, (string?)output["explicitHashKey"]);
                Assert.True(result.IsAggregated, $"{result} for an aws-kinesis-agg record of {context}");
                Assert.Equal(Enumerable.Range(0, records.Count), records.Select(r => r.SubSequenceNumber));
                ours.AddRange(records);
            }

            Assert.Equal(batches[i].Select(r => (r.PartitionKey, r.ExplicitHashKey, Convert.ToHexString(r.Data))), ours.Select(r => r.Content));
        }
    }

    [Fact]
    public void Same_records_encode_to_the_same_bytes_as_aws_kinesis_agg()
    {
        // Both write fields in number order and number the key tables by first appearance, so whenever both put the
        // same records into one aggregate the blobs must be identical.
        var seed = Some.Seed();
        var smallRecord = from pk in Some.PartitionKey
                          from ehk in Some.ExplicitHashKey
                          from length in Gen.Choose(0, 300)
                          from s in Gen.Choose(0, int.MaxValue)
                          select new RecordSpec(pk, ehk, length, s);
        var batches = Some.Sample(Gen.Choose(2, 40).SelectMany(n => Gen.ArrayOf(smallRecord.Select(AvoidingIntegerLikeKeys), n)), Batches, seed);

        var replies = NodeKpl.Aggregate(batches.Select(ToAggregateRequest).ToList());

        for (var i = 0; i < batches.Length; i++)
        {
            var theirs = Assert.Single(replies[i]["records"]!.AsArray());
            var ours = Assert.Single(Capture.Aggregate(batches[i].Select(r => r.ToUserRecord()), new KplAggregatorOptions { TargetSize = KplAggregatorOptions.DefaultMaxRecordSize }));
            Assert.True(
                Convert.ToBase64String(ours.Data) == (string)theirs!["data"]!,
                $"seed {seed} (KPL_TEST_SEED): encodings differ for [{string.Join(", ", batches[i].Select(r => r.ToString()))}]");
        }
    }

    /// <summary>
    /// aws-kinesis-agg 4.2.8 builds its key tables with Object.keys(), which lists integer-like keys ("7", "42", up to
    /// 2^32-2) before all others, so the indexes it wrote no longer match and sub-records get another record's keys.
    /// Its aggregator is only fed keys it can encode; its deaggregator and ours still see integer-like keys elsewhere.
    /// </summary>
    private static RecordSpec AvoidingIntegerLikeKeys(RecordSpec record) => record with
    {
        PartitionKey = IsIntegerLike(record.PartitionKey) ? "k" + record.PartitionKey : record.PartitionKey,
        ExplicitHashKey = record.ExplicitHashKey is { } ehk && IsIntegerLike(ehk)
            ? (ulong.Parse(ehk, System.Globalization.CultureInfo.InvariantCulture) + (1UL << 32)).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : record.ExplicitHashKey,
    };

    private static bool IsIntegerLike(string key) =>
        key.Length is > 0 and <= 10 && (key == "0" || (key[0] != '0' && key.All(char.IsAsciiDigit)))
        && ulong.Parse(key, System.Globalization.CultureInfo.InvariantCulture) <= uint.MaxValue - 1;

    private static string ToAggregateRequest(RecordSpec[] records) => new JsonObject
    {
        ["records"] = new JsonArray(records.Select(r => (JsonNode)new JsonObject
        {
            ["partitionKey"] = r.PartitionKey,
            ["explicitHashKey"] = r.ExplicitHashKey,
            ["data"] = Convert.ToBase64String(r.Data),
        }).ToArray()),
    }.ToJsonString();
}
