namespace Gateway.Streams;

/// <summary>A snapshot of an embedded stream's counters since it was opened.</summary>
/// <param name="RecordsAppended">Appends acknowledged to callers.</param>
/// <param name="BytesAppended">Encoded bytes (headers included) of the acknowledged appends.</param>
/// <param name="Batches">Group commits: each writes every pending append with one write per shard.</param>
/// <param name="Fsyncs">fsync calls on segment files (group commits, segment rolls, periodic flushes, shutdown).</param>
/// <param name="AppendFailures">Appends failed with an I/O error (never acknowledged).</param>
/// <param name="RecoveryTruncations">Segments whose torn or corrupt tail was cut off when the stream was opened.</param>
/// <param name="RecoveryBytesTruncated">Bytes cut off by those truncations.</param>
/// <param name="SegmentsDeleted">Segments deleted by retention.</param>
/// <param name="ExpiredRecordsSkipped">Records readers asked for that retention had already deleted.</param>
/// <param name="BackgroundFailures">Periodic fsyncs, retention passes or shutdown flushes that failed with an I/O error (retried on the next tick).</param>
public sealed record StreamMetrics(
    long RecordsAppended,
    long BytesAppended,
    long Batches,
    long Fsyncs,
    long AppendFailures,
    long RecoveryTruncations,
    long RecoveryBytesTruncated,
    long SegmentsDeleted,
    long ExpiredRecordsSkipped,
    long BackgroundFailures);
