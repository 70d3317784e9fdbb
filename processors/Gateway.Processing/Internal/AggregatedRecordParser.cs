namespace Gateway.Processing.Internal;

/// <summary>The fields of one <c>Record</c> message that a consumer needs.</summary>
internal ref struct SubRecordFields
{
    public ulong PartitionKeyIndex;
    public ulong ExplicitHashKeyIndex;
    public bool HasExplicitHashKeyIndex;
    public ReadOnlySpan<byte> Data;
}

/// <summary>
/// Parses the AggregatedRecord protobuf body. Fields may come in any order; unknown fields and known field numbers
/// with an unexpected wire type are skipped, as protobuf-java does; for a repeated non-repeated field the last wins.
/// </summary>
internal static class AggregatedRecordParser
{
    public const int PartitionKeyTableField = 1;
    public const int ExplicitHashKeyTableField = 2;
    public const int RecordsField = 3;

    private const int PartitionKeyIndexField = 1;
    private const int ExplicitHashKeyIndexField = 2;
    private const int DataField = 3;
    private const int TagsField = 4;

    private const int TagKeyField = 1;

    /// <summary>
    /// Checks the whole body before anything is emitted, so a bad blob turns into one plain record and never into a
    /// partial list of sub-records.
    /// </summary>
    public static NotAggregatedReason Validate(ReadOnlySpan<byte> body, out int recordCount, out int errorPosition)
    {
        recordCount = 0;
        errorPosition = -1;
        var partitionKeyCount = 0UL;
        var explicitHashKeyCount = 0UL;
        var maxPartitionKeyIndex = -1L;
        var maxExplicitHashKeyIndex = -1L;
        var reader = new ProtoReader(body);
        while (!reader.End)
        {
            var fieldStart = reader.Position;
            if (!reader.TryReadTag(out var field, out var wire))
            {
                errorPosition = fieldStart;
                return NotAggregatedReason.MalformedProtobuf;
            }

            if (wire == KplWire.WireLengthDelimited && field is PartitionKeyTableField or ExplicitHashKeyTableField or RecordsField)
            {
                if (!reader.TryReadLengthDelimited(out var payload))
                {
                    errorPosition = fieldStart;
                    return NotAggregatedReason.MalformedProtobuf;
                }

                switch (field)
                {
                    case PartitionKeyTableField:
                        partitionKeyCount++;
                        break;
                    case ExplicitHashKeyTableField:
                        explicitHashKeyCount++;
                        break;
                    default:
                        var status = TryReadSubRecord(payload, out var record, out var innerError);
                        if (status != NotAggregatedReason.None)
                        {
                            errorPosition = reader.Position - payload.Length + innerError;
                            return status;
                        }

                        // Indexes are checked once both tables are complete: the tables may follow the records.
                        maxPartitionKeyIndex = Math.Max(maxPartitionKeyIndex, ClampIndex(record.PartitionKeyIndex));
                        if (record.HasExplicitHashKeyIndex)
                        {
                            maxExplicitHashKeyIndex = Math.Max(maxExplicitHashKeyIndex, ClampIndex(record.ExplicitHashKeyIndex));
                        }

                        recordCount++;
                        break;
                }
            }
            else if (!reader.TrySkip(field, wire))
            {
                errorPosition = fieldStart;
                return NotAggregatedReason.MalformedProtobuf;
            }
        }

        if (maxPartitionKeyIndex >= 0 && (ulong)maxPartitionKeyIndex >= partitionKeyCount)
        {
            return NotAggregatedReason.KeyIndexOutOfRange;
        }

        if (maxExplicitHashKeyIndex >= 0 && (ulong)maxExplicitHashKeyIndex >= explicitHashKeyCount)
        {
            return NotAggregatedReason.KeyIndexOutOfRange;
        }

        return NotAggregatedReason.None;
    }

    /// <summary>Parses one Record message; <paramref name="errorPosition"/> is relative to <paramref name="payload"/>.</summary>
    public static NotAggregatedReason TryReadSubRecord(ReadOnlySpan<byte> payload, out SubRecordFields record, out int errorPosition)
    {
        record = default;
        errorPosition = -1;
        var hasPartitionKeyIndex = false;
        var hasData = false;
        var reader = new ProtoReader(payload);
        while (!reader.End)
        {
            var fieldStart = reader.Position;
            if (!reader.TryReadTag(out var field, out var wire))
            {
                errorPosition = fieldStart;
                return NotAggregatedReason.MalformedProtobuf;
            }

            var ok = (field, wire) switch
            {
                (PartitionKeyIndexField, KplWire.WireVarint) => hasPartitionKeyIndex = reader.TryReadVarint(out record.PartitionKeyIndex),
                (ExplicitHashKeyIndexField, KplWire.WireVarint) => record.HasExplicitHashKeyIndex = reader.TryReadVarint(out record.ExplicitHashKeyIndex),
                (DataField, KplWire.WireLengthDelimited) => hasData = reader.TryReadLengthDelimited(out record.Data),
                (TagsField, KplWire.WireLengthDelimited) => reader.TryReadLengthDelimited(out var tag) && IsValidTag(tag),
                _ => reader.TrySkip(field, wire),
            };
            if (!ok)
            {
                errorPosition = fieldStart;
                return NotAggregatedReason.MalformedProtobuf;
            }
        }

        // partition_key_index and data are proto2 "required": protobuf-java refuses a Record without them.
        if (!hasPartitionKeyIndex || !hasData)
        {
            errorPosition = 0;
            return NotAggregatedReason.MissingRequiredField;
        }

        return NotAggregatedReason.None;
    }

    /// <summary>
    /// Tags are never emitted by the KPL and are ignored here, but a Tag without its required key makes protobuf-java
    /// reject the whole blob, so it does here too.
    /// </summary>
    private static bool IsValidTag(ReadOnlySpan<byte> tag)
    {
        var hasKey = false;
        var reader = new ProtoReader(tag);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            var ok = field == TagKeyField && wire == KplWire.WireLengthDelimited
                ? hasKey = reader.TryReadLengthDelimited(out _)
                : reader.TrySkip(field, wire);
            if (!ok)
            {
                return false;
            }
        }

        return hasKey;
    }

    private static long ClampIndex(ulong index) => index > long.MaxValue ? long.MaxValue : (long)index;
}
