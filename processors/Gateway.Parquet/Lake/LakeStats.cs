namespace Gateway.Parquet.Lake;

/// <summary>What a <see cref="LakeWriter"/> has committed to one table.</summary>
/// <param name="Rows">Rows in committed files.</param>
/// <param name="Files">Committed files.</param>
/// <param name="Bytes">Bytes of committed files.</param>
public sealed record LakeTableStats(long Rows, long Files, long Bytes);

/// <summary>A snapshot of a <see cref="LakeWriter"/>: counts only, never row content.</summary>
/// <param name="Events">Committed to <c>events</c>.</param>
/// <param name="BadRows">Committed to <c>bad_rows</c>.</param>
/// <param name="DuplicatesDropped">Event rows dropped because their <c>event_id</c> was seen within the dedup window.</param>
/// <param name="DedupEvictedEarly">Event ids forgotten before their window ended because the dedup memory was full.</param>
/// <param name="CommitFailures">Failed commits (each file is retried by the next flush).</param>
/// <param name="OpenPartitions">Partitions taking rows.</param>
/// <param name="PendingFiles">Files finished but not committed yet.</param>
/// <param name="BufferedRows">Rows not yet in a committed file.</param>
public sealed record LakeStats(
    LakeTableStats Events,
    LakeTableStats BadRows,
    long DuplicatesDropped,
    long DedupEvictedEarly,
    long CommitFailures,
    int OpenPartitions,
    int PendingFiles,
    long BufferedRows)
{
    /// <summary>Committed files of both tables.</summary>
    public long Files => Events.Files + BadRows.Files;

    /// <summary>Bytes of committed files of both tables.</summary>
    public long Bytes => Events.Bytes + BadRows.Bytes;

    /// <summary>Rows in committed files of both tables.</summary>
    public long Rows => Events.Rows + BadRows.Rows;
}
