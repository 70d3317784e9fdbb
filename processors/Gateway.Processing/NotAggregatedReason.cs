namespace Gateway.Processing;

/// <summary>Why a Kinesis record was treated as one plain record instead of being split into user records.</summary>
public enum NotAggregatedReason
{
    /// <summary>The record is a KPL aggregated record.</summary>
    None,

    /// <summary>The data does not start with the KPL magic bytes F3 89 9A C2: an ordinary record.</summary>
    NoMagic,

    /// <summary>The magic is followed by 16 bytes or fewer, leaving no room for a protobuf body and its MD5.</summary>
    TooShort,

    /// <summary>The trailing 16 bytes are not the MD5 of the protobuf body.</summary>
    ChecksumMismatch,

    /// <summary>The body is not valid protobuf (truncated field, bad varint, bad wire type or stray end-group).</summary>
    MalformedProtobuf,

    /// <summary>A sub-record lacks its required partition_key_index or data field.</summary>
    MissingRequiredField,

    /// <summary>A sub-record's key index points past the end of its key table.</summary>
    KeyIndexOutOfRange,
}
