namespace Gateway.Processing;

/// <summary>What <see cref="KplDeaggregator.Deaggregate"/> found in one Kinesis record.</summary>
/// <param name="IsAggregated">True when the data was a valid KPL aggregated record and its sub-records were emitted.</param>
/// <param name="RecordCount">Records handed to the handler: the sub-record count, or 1 for a plain record.</param>
/// <param name="Reason">Why the data was passed through as one plain record; <see cref="NotAggregatedReason.None"/> when aggregated.</param>
/// <param name="ErrorOffset">Byte offset in the data where protobuf parsing failed, or -1.</param>
public readonly record struct DeaggregationResult(bool IsAggregated, int RecordCount, NotAggregatedReason Reason, int ErrorOffset);
