namespace Gateway.Processing.Tests.Support;

/// <summary>An owned copy of a <see cref="KinesisPutRecord"/>, whose spans die when the handler returns.</summary>
internal sealed record PutRecordCopy(string PartitionKey, string? ExplicitHashKey, byte[] Data, int UserRecordCount, bool IsAggregated, int ShardIndex)
{
    /// <summary>Size as Kinesis counts it against the record limit: data plus the UTF-8 partition key.</summary>
    public int KinesisSize => Data.Length + System.Text.Encoding.UTF8.GetByteCount(PartitionKey);

    public override string ToString() =>
        $"{(IsAggregated ? "aggregated" : "plain")} shard {ShardIndex}, {UserRecordCount} record(s), {Data.Length} bytes, pk \"{PartitionKey}\", ehk {ExplicitHashKey ?? "none"}";
}

/// <summary>An owned copy of a <see cref="DeaggregatedRecord"/>.</summary>
internal sealed record UserRecordCopy(string PartitionKey, string? ExplicitHashKey, byte[] Data, int SubSequenceNumber, bool IsAggregated)
{
    /// <summary>The fields a producer chose, for comparing with what went in.</summary>
    public (string PartitionKey, string? ExplicitHashKey, string DataHex) Content => (PartitionKey, ExplicitHashKey, Convert.ToHexString(Data));
}

/// <summary>Runs the aggregator and the deaggregator and keeps copies of what they emit.</summary>
internal static class Capture
{
    public static List<PutRecordCopy> Aggregate(IEnumerable<UserRecord> records, KplAggregatorOptions? options = null)
    {
        var output = new List<PutRecordCopy>();
        using var aggregator = new KplAggregator(options ?? new KplAggregatorOptions(), Into(output));
        foreach (var record in records)
        {
            aggregator.Add(record);
        }

        aggregator.Flush();
        return output;
    }

    public static KinesisPutRecordHandler Into(List<PutRecordCopy> output) => (in KinesisPutRecord r) => output.Add(new PutRecordCopy(
        r.PartitionKey, r.ExplicitHashKey.IsEmpty ? null : r.ExplicitHashKey.ToString(), r.Data.ToArray(), r.UserRecordCount, r.IsAggregated, r.ShardIndex));

    public static (DeaggregationResult Result, List<UserRecordCopy> Records) Deaggregate(byte[] data, string outerPartitionKey = "outer-key", string? outerExplicitHashKey = null)
    {
        var records = new List<UserRecordCopy>();
        var result = KplDeaggregator.Deaggregate(data, outerPartitionKey, outerExplicitHashKey, (in DeaggregatedRecord r) => records.Add(new UserRecordCopy(
            r.PartitionKey, r.ExplicitHashKey, r.Data.ToArray(), r.SubSequenceNumber, r.IsAggregated)));
        return (result, records);
    }

    /// <summary>De-aggregates every emitted record, in emission order.</summary>
    public static List<UserRecordCopy> DeaggregateAll(IEnumerable<PutRecordCopy> emitted) =>
        emitted.SelectMany(e => Deaggregate(e.Data, e.PartitionKey, e.ExplicitHashKey).Records).ToList();
}
