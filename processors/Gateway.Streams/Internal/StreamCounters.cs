namespace Gateway.Streams.Internal;

/// <summary>Mutable counters behind <see cref="StreamMetrics"/>; updated with Interlocked because the writer, readers and timers share them.</summary>
internal sealed class StreamCounters
{
    public long RecordsAppended;
    public long BytesAppended;
    public long Batches;
    public long Fsyncs;
    public long AppendFailures;
    public long RecoveryTruncations;
    public long RecoveryBytesTruncated;
    public long SegmentsDeleted;
    public long ExpiredRecordsSkipped;
    public long BackgroundFailures;

    public StreamMetrics Snapshot() => new(
        Interlocked.Read(ref RecordsAppended),
        Interlocked.Read(ref BytesAppended),
        Interlocked.Read(ref Batches),
        Interlocked.Read(ref Fsyncs),
        Interlocked.Read(ref AppendFailures),
        Interlocked.Read(ref RecoveryTruncations),
        Interlocked.Read(ref RecoveryBytesTruncated),
        Interlocked.Read(ref SegmentsDeleted),
        Interlocked.Read(ref ExpiredRecordsSkipped),
        Interlocked.Read(ref BackgroundFailures));
}
