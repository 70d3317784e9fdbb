namespace Gateway.Streams.Internal;

/// <summary>Deletes a shard's oldest closed segments by age and by total size; the newest (active) segment is never deleted.</summary>
internal static class RetentionPolicy
{
    public static int Apply(ShardLog shard, long cutoffUnixMs, long maxBytes, StreamCounters counters)
    {
        SegmentInfo[] expired;
        lock (shard.SegmentsLock)
        {
            var segments = shard.Segments;
            var keepFrom = 0;

            // A segment's newest record is no newer than the next segment's first (arrival times never go backwards
            // within a shard), so one header read per segment decides its age without scanning it.
            while (keepFrom < segments.Length - 1
                && segments[keepFrom + 1].TryGetFirstArrival(out var nextFirstArrival)
                && nextFirstArrival < cutoffUnixMs)
            {
                keepFrom++;
            }

            var total = 0L;
            for (var i = keepFrom; i < segments.Length; i++)
            {
                total += segments[i].Length;
            }

            while (keepFrom < segments.Length - 1 && total > maxBytes)
            {
                total -= segments[keepFrom].Length;
                keepFrom++;
            }

            if (keepFrom == 0)
            {
                return 0;
            }

            expired = segments[..keepFrom];
            // Readers stop seeing the segments before their files go; one that already opened a file keeps reading it
            // (Linux unlinks open files lazily), one that lost the race retries with the new list.
            shard.ReplaceSegments(segments[keepFrom..]);
        }

        foreach (var segment in expired)
        {
            File.Delete(segment.Path);
        }

        Interlocked.Add(ref counters.SegmentsDeleted, expired.Length);
        return expired.Length;
    }
}
