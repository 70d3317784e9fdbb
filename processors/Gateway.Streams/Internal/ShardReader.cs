using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Gateway.Streams.Internal;

/// <summary>Reads a shard's records in order from its segment files.</summary>
internal static class ShardReader
{
    // A segment can disappear between listing and opening it (retention); a few retries with a fresh list settle it.
    private const int Attempts = 4;

    /// <param name="shard">The shard.</param>
    /// <param name="after">The requested position, echoed as Next when nothing is returned.</param>
    /// <param name="afterSequenceNumber">Parsed <paramref name="after"/>; 0 for TRIM_HORIZON.</param>
    /// <param name="maxRecords">At most this many records.</param>
    /// <param name="readOnly">True when another process writes the files: no commit point, and a partial tail ends the read.</param>
    /// <param name="time">Clock for MillisBehindLatest.</param>
    /// <param name="counters">Receives expired-record skips, unless null.</param>
    public static ReadResult Read(ShardLog shard, StreamPosition after, long afterSequenceNumber, int maxRecords, bool readOnly, TimeProvider time, StreamCounters? counters)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = ReadOnce(shard, after, afterSequenceNumber, maxRecords, readOnly, time);
                if (counters is not null && result.ExpiredRecordsSkipped > 0)
                {
                    Interlocked.Add(ref counters.ExpiredRecordsSkipped, result.ExpiredRecordsSkipped);
                }

                return result;
            }
            catch (FileNotFoundException) when (attempt < Attempts)
            {
                if (readOnly)
                {
                    shard.RefreshFromDisk();
                }
            }
        }
    }

    private static ReadResult ReadOnce(ShardLog shard, StreamPosition after, long afterSequenceNumber, int maxRecords, bool readOnly, TimeProvider time)
    {
        var commit = shard.Commit;
        if (afterSequenceNumber >= commit.SequenceNumber)
        {
            return new ReadResult([], after, 0);
        }

        var segments = shard.Segments;
        if (segments.Length == 0 && readOnly)
        {
            segments = shard.RefreshFromDisk();
        }

        if (segments.Length == 0)
        {
            return new ReadResult([], after, 0);
        }

        var target = afterSequenceNumber + 1;
        var skipped = 0L;
        int index;
        var offset = 0L;
        if (target < segments[0].FirstSequenceNumber)
        {
            // Retention deleted the requested records: continue at the oldest one left, like TRIM_HORIZON.
            skipped = segments[0].FirstSequenceNumber - target;
            target = segments[0].FirstSequenceNumber;
            index = 0;
        }
        else if (shard.TryGetCachedPosition(afterSequenceNumber, out var cachedSegment, out var cachedOffset)
            && (index = IndexOf(segments, cachedSegment)) >= 0)
        {
            offset = cachedOffset;
        }
        else
        {
            index = FindSegment(segments, target);
        }

        var records = new List<StreamRecord>(Math.Min(maxRecords, 256));
        var lastArrival = 0L;
        var lastSequence = 0L;
        var resumeSegment = 0L;
        var resumeOffset = 0L;
        var caughtUp = false;
        while (records.Count < maxRecords)
        {
            var segment = segments[index];
            if (segment.FirstSequenceNumber > commit.SegmentFirstSequenceNumber)
            {
                caughtUp = true;
                break;
            }

            var isCommitSegment = segment.FirstSequenceNumber == commit.SegmentFirstSequenceNumber;
            var isLast = index == segments.Length - 1;
            var expected = offset == 0 ? segment.FirstSequenceNumber : target;
            using (var handle = OpenRead(segment.Path))
            {
                var limit = readOnly ? RandomAccess.GetLength(handle) : isCommitSegment ? commit.SegmentLength : segment.Length;
                var scanner = new SegmentScanner(handle, offset, limit);
                while (records.Count < maxRecords)
                {
                    var recordOffset = scanner.Offset;
                    var status = scanner.Next(out var record, out var bytes);
                    if (status == DecodeStatus.Ok && record.SequenceNumber == expected)
                    {
                        expected++;
                        if (record.SequenceNumber < target)
                        {
                            continue;
                        }

                        records.Add(new StreamRecord(
                            shard.ShardId,
                            SequenceNumbers.Format(record.SequenceNumber),
                            DateTimeOffset.FromUnixTimeMilliseconds(record.ArrivalUnixMs),
                            Encoding.UTF8.GetString(bytes.Slice(record.PartitionKeyOffset, record.PartitionKeyLength)),
                            scanner.TakeBytes(record, record.DataOffset, record.DataLength)));
                        lastArrival = record.ArrivalUnixMs;
                        lastSequence = record.SequenceNumber;
                        resumeSegment = segment.FirstSequenceNumber;
                        resumeOffset = scanner.Offset;
                        if (record.SequenceNumber >= commit.SequenceNumber)
                        {
                            caughtUp = true;
                            break;
                        }

                        continue;
                    }

                    if (status == DecodeStatus.Incomplete && scanner.AtLimit)
                    {
                        break;
                    }

                    if (readOnly && isLast)
                    {
                        // The writing process is mid-write, or crashed and has not recovered yet: its recovery
                        // cuts the newest segment at this very record, so nothing valid lies beyond it.
                        caughtUp = true;
                        break;
                    }

                    var reason = status == DecodeStatus.Ok
                        ? $"expected sequence number {expected} but found {record.SequenceNumber}"
                        : RecordCodec.DescribeFailure(status);
                    throw new StreamCorruptionException(segment.Path, recordOffset, reason);
                }
            }

            if (caughtUp || records.Count >= maxRecords)
            {
                break;
            }

            if (isLast && readOnly)
            {
                // The writing process may have rolled to a new segment since the list was taken.
                segments = shard.RefreshFromDisk();
                index = IndexOf(segments, segment.FirstSequenceNumber);
                isLast = index < 0 || index == segments.Length - 1;
            }

            if (isLast || isCommitSegment)
            {
                caughtUp = true;
                break;
            }

            index++;
            offset = 0;
        }

        var next = after;
        if (records.Count > 0)
        {
            shard.RememberPosition(lastSequence, resumeSegment, resumeOffset);
            next = StreamPosition.After(records[^1].SequenceNumber);
        }

        var behind = caughtUp || records.Count == 0 ? 0 : Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds() - lastArrival);
        return new ReadResult(records, next, behind) { ExpiredRecordsSkipped = skipped };
    }

    private static SafeFileHandle OpenRead(string path) =>
        File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private static int IndexOf(SegmentInfo[] segments, long firstSequenceNumber)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].FirstSequenceNumber == firstSequenceNumber)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The newest segment whose first sequence number is at most <paramref name="sequenceNumber"/> (file names say where each starts).</summary>
    private static int FindSegment(SegmentInfo[] segments, long sequenceNumber)
    {
        var lo = 0;
        var hi = segments.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (segments[mid].FirstSequenceNumber <= sequenceNumber)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }
}
