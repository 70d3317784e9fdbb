namespace Gateway.Processing;

/// <summary>Why the aggregator refused a user record.</summary>
public enum UserRecordError
{
    /// <summary>The record is valid.</summary>
    None,

    /// <summary>The partition key is null or empty; Kinesis requires 1 to 256 characters.</summary>
    PartitionKeyMissing,

    /// <summary>The partition key is longer than 256 characters.</summary>
    PartitionKeyTooLong,

    /// <summary>The partition key holds an unpaired surrogate, so it cannot be sent as UTF-8 unchanged.</summary>
    PartitionKeyInvalidUnicode,

    /// <summary>The explicit hash key is not a decimal integer without sign, spaces or leading zeros.</summary>
    ExplicitHashKeyMalformed,

    /// <summary>The explicit hash key is larger than 2^128-1.</summary>
    ExplicitHashKeyOutOfRange,

    /// <summary>Data plus partition key exceed the Kinesis record size limit even when sent unaggregated.</summary>
    DataTooLarge,
}
