using Gateway.Processing.Internal;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests;

/// <summary>Records produced by the KPL itself and by aws-kinesis-agg (data/kpl-vectors.json) against both directions of our codec.</summary>
public sealed class KplVectorTests
{
    public static TheoryData<string> AllVectors => KplVectors.Names();

    public static TheoryData<string> MultiRecordAggregates => KplVectors.Names(v => v.Aggregated && v.Records.Length > 1);

    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Reference_record_deaggregates_to_exactly_its_user_records(string name)
    {
        var vector = KplVectors.Named(name);

        var (result, records) = Capture.Deaggregate(vector.Data, vector.OuterPartitionKey);

        Assert.Equal(vector.Aggregated, result.IsAggregated);
        Assert.Equal(vector.Aggregated ? NotAggregatedReason.None : NotAggregatedReason.NoMagic, result.Reason);
        Assert.Equal(vector.Records.Length, result.RecordCount);
        Assert.Equal(
            vector.Records.Select((r, i) => (r.PartitionKey, r.ExplicitHashKey, r.Text, i, vector.Aggregated)),
            records.Select(r => (r.PartitionKey, r.ExplicitHashKey, System.Text.Encoding.UTF8.GetString(r.Data), r.SubSequenceNumber, r.IsAggregated)));
    }

    [Theory]
    [MemberData(nameof(MultiRecordAggregates))]
    public void Same_user_records_encode_to_the_reference_bytes(string name)
    {
        var vector = KplVectors.Named(name);

        var emitted = Capture.Aggregate(vector.UserRecords, new KplAggregatorOptions { TargetSize = KplAggregatorOptions.DefaultMaxRecordSize });

        var single = Assert.Single(emitted);
        Assert.True(single.IsAggregated);
        Assert.Equal(Convert.ToHexString(vector.Data), Convert.ToHexString(single.Data));
    }

    [Fact]
    public void Kpl_single_record_is_sent_as_its_raw_data_like_the_kpl_does()
    {
        var vector = KplVectors.Named("kpl-generated single record, sent unaggregated");

        var emitted = Capture.Aggregate(vector.UserRecords);

        var single = Assert.Single(emitted);
        Assert.False(single.IsAggregated);
        Assert.Equal(vector.OuterPartitionKey, single.PartitionKey);
        Assert.Null(single.ExplicitHashKey);
        Assert.Equal(vector.Data, single.Data);
    }

    [Fact]
    public void One_record_aggregate_layout_matches_the_minimal_vector()
    {
        // The aggregator never wraps a lone record, so the layout is checked on the aggregate builder itself.
        var vector = KplVectors.Named("minimal single-record aggregate (spec 01 section 1.7 c)");
        using var aggregate = new OpenAggregate(64);
        aggregate.Add("a", "a"u8, null, UInt128.Zero, "hi"u8);

        var blob = new byte[aggregate.BlobLength];
        aggregate.WriteTo(blob);

        Assert.Equal(Convert.ToHexString(vector.Data), Convert.ToHexString(blob));
    }

    [Fact]
    public void Kpl_aggregate_gets_the_outer_keys_of_its_first_record()
    {
        // The KPL itself sends "a" and the first hash key; we send the first partition key, so Kinesis and
        // Firehose see a meaningful key, and the same first hash key, so the shard is the same.
        var vector = KplVectors.Named("kpl-generated, four keys each with an explicit hash key");

        var single = Assert.Single(Capture.Aggregate(vector.UserRecords, new KplAggregatorOptions()));

        Assert.Equal("fc03dd88-3e79-448a-b01a-7cf1bd47b784", single.PartitionKey);
        Assert.Equal("38486495867508399078159723846051807020", single.ExplicitHashKey);
    }
}
