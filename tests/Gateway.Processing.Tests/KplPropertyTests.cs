using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests;

public sealed class KplPropertyTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(100);

    /// <summary>Byte inputs that reach every stage of the decoder, not only the magic check.</summary>
    private static Gen<byte[]> DecoderInput =>
        Gen.Frequency(
            // Anything at all.
            (2, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))),
            // A magic and a correct MD5 around random bytes, so the protobuf parser sees garbage.
            (3, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(body => KplBytes.Wrap(body))),
            // A real aggregate with a few bytes changed and the MD5 fixed up: near-valid protobuf.
            (4, from records in Gen.ArrayOf(Some.RecordFor(200), 2).Select(r => r.ToArray())
                from flips in Gen.ArrayOf(Gen.Choose(0, int.MaxValue).Two(), 3)
                select Mutate(records, flips)));

    [Fact]
    public void Any_bytes_decode_to_sub_records_or_one_plain_record_and_never_throw()
    {
        Check.One(Cases.WithMaxTest(300), Prop.ForAll(Arb.From(DecoderInput), data =>
        {
            var (result, records) = Capture.Deaggregate(data, "outer", "1");

            Assert.Equal(result.RecordCount, records.Count);
            if (result.IsAggregated)
            {
                Assert.Equal(NotAggregatedReason.None, result.Reason);
                Assert.Equal(Enumerable.Range(0, records.Count), records.Select(r => r.SubSequenceNumber));
                Assert.All(records, r => Assert.True(r.IsAggregated));
            }
            else
            {
                Assert.NotEqual(NotAggregatedReason.None, result.Reason);
                var plain = Assert.Single(records);
                Assert.Equal(("outer", "1", false), (plain.PartitionKey, plain.ExplicitHashKey, plain.IsAggregated));
                Assert.Equal(data, plain.Data);
            }
        }));
    }

    [Fact]
    public void Aggregated_size_never_exceeds_the_target_unless_a_single_record_is_passed_through()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Some.AggregationCase()), c =>
        {
            var emitted = Capture.Aggregate(c.Records.Select(r => r.ToUserRecord()), c.Options);

            foreach (var output in emitted)
            {
                if (output.IsAggregated || output.UserRecordCount > 1)
                {
                    Assert.True(output.KinesisSize <= c.TargetSize, $"{output} is {output.KinesisSize} bytes, over the {c.TargetSize} target");
                }
                else
                {
                    Assert.Equal(1, output.UserRecordCount);
                    Assert.True(output.KinesisSize <= KplAggregatorOptions.DefaultMaxRecordSize, $"{output} is over the 1 MiB limit");
                    var original = c.Records.First(r => r.PartitionKey == output.PartitionKey && r.Data.AsSpan().SequenceEqual(output.Data));
                    Assert.True(output.KinesisSize <= c.TargetSize || AloneAsAggregate(original) > c.TargetSize,
                        $"{original} was sent alone although it fits the target as an aggregate");
                }
            }
        }));
    }

    [Fact]
    public void Every_record_comes_out_exactly_once_in_order_within_its_shard()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Some.AggregationCase()), c =>
        {
            var ranges = c.Options.ShardHashKeyRanges;
            var emitted = Capture.Aggregate(c.Records.Select(r => r.ToUserRecord()), c.Options);

            for (var shard = 0; shard < ranges.Count; shard++)
            {
                var expected = c.Records.Where(r => Some.ShardOf(r.EffectiveHashKey, ranges) == shard)
                    .Select(r => (r.PartitionKey, r.ExplicitHashKey, Convert.ToHexString(r.Data)));
                var actual = Capture.DeaggregateAll(emitted.Where(e => e.ShardIndex == shard)).Select(r => r.Content);
                Assert.Equal(expected, actual);
            }
        }));
    }

    [Fact]
    public void Every_aggregate_is_keyed_into_the_shard_of_all_its_sub_records()
    {
        // What KCL 2.x checks before it keeps an aggregate's sub-records (spec 01, section 1.4 step 6).
        Check.One(Cases, Prop.ForAll(Arb.From(Some.AggregationCase()), c =>
        {
            var ranges = c.Options.ShardHashKeyRanges;
            foreach (var output in Capture.Aggregate(c.Records.Select(r => r.ToUserRecord()), c.Options))
            {
                var outerKey = Some.EffectiveHashKey(output.PartitionKey, output.ExplicitHashKey);
                Assert.Equal(output.ShardIndex, Some.ShardOf(outerKey, ranges));
                Assert.All(Capture.Deaggregate(output.Data, output.PartitionKey, output.ExplicitHashKey).Records, r =>
                    Assert.Equal(output.ShardIndex, Some.ShardOf(Some.EffectiveHashKey(r.PartitionKey, r.ExplicitHashKey), ranges)));
            }
        }));
    }

    /// <summary>Size of a one-record aggregate, computed independently of the encoder, Kinesis-counted.</summary>
    private static int AloneAsAggregate(RecordSpec record)
    {
        static int Field(int payload) => 1 + VarintSize(payload) + payload;
        var pk = Encoding.UTF8.GetByteCount(record.PartitionKey);
        var inner = 2 + Field(record.DataLength) + (record.ExplicitHashKey is null ? 0 : 2);
        var protobuf = Field(pk) + (record.ExplicitHashKey is null ? 0 : Field(record.ExplicitHashKey.Length)) + Field(inner);
        return 20 + protobuf + pk;
    }

    private static int VarintSize(int value) => value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;

    private static byte[] Mutate(RecordSpec[] records, (int Position, int Value)[] flips)
    {
        var emitted = Capture.Aggregate(records.Select(r => r.ToUserRecord()), new KplAggregatorOptions { TargetSize = KplAggregatorOptions.DefaultMaxRecordSize });
        var blob = emitted[0].IsAggregated ? emitted[0].Data : KplBytes.Wrap(emitted[0].Data);
        var body = blob[4..^16];
        foreach (var (position, value) in flips)
        {
            if (body.Length > 0)
            {
                body[position % body.Length] = (byte)value;
            }
        }

        return KplBytes.Wrap(body);
    }
}
