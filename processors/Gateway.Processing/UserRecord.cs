namespace Gateway.Processing;

/// <summary>One record as a producer hands it to the aggregator: partition key, optional explicit hash key, data.</summary>
/// <param name="PartitionKey">1 to 256 characters; Kinesis routes by its MD5 unless an explicit hash key is given.</param>
/// <param name="Data">The payload; the aggregator copies it, so the memory may be reused once <c>Add</c> returns.</param>
/// <param name="ExplicitHashKey">Decimal unsigned 128-bit integer (<c>0|([1-9]\d{0,38})</c>, at most 2^128-1), or null.</param>
public readonly record struct UserRecord(string PartitionKey, ReadOnlyMemory<byte> Data, string? ExplicitHashKey = null);
