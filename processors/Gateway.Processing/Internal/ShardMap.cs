namespace Gateway.Processing.Internal;

/// <summary>Finds the shard whose hash-key range holds a key; the ranges are validated to tile 0..2^128-1.</summary>
internal sealed class ShardMap
{
    private readonly UInt128[] _starts;

    public ShardMap(IReadOnlyList<HashKeyRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (ranges.Count == 0)
        {
            throw new ArgumentException("ShardHashKeyRanges is empty; give at least one range (HashKeyRange.All for a single-shard stream).", nameof(ranges));
        }

        _starts = new UInt128[ranges.Count];
        var expectedStart = UInt128.Zero;
        for (var i = 0; i < ranges.Count; i++)
        {
            var range = ranges[i];
            if (range.Start != expectedStart)
            {
                throw new ArgumentException(
                    $"ShardHashKeyRanges[{i}] starts at {range.Start} but must start at {expectedStart}: the ranges must be sorted and cover 0..2^128-1 without gaps or overlaps (pass the stream's open shards).",
                    nameof(ranges));
            }

            if (range.End < range.Start)
            {
                throw new ArgumentException($"ShardHashKeyRanges[{i}] ends at {range.End}, before its start {range.Start}.", nameof(ranges));
            }

            _starts[i] = range.Start;
            var isLast = i == ranges.Count - 1;
            if (range.End == UInt128.MaxValue && !isLast)
            {
                throw new ArgumentException($"ShardHashKeyRanges[{i}] already ends at 2^128-1, so ranges after it overlap or are out of order.", nameof(ranges));
            }

            if (isLast && range.End != UInt128.MaxValue)
            {
                throw new ArgumentException($"The last of ShardHashKeyRanges ends at {range.End}; it must end at 2^128-1 so every hash key has a shard.", nameof(ranges));
            }

            expectedStart = range.End + 1;
        }
    }

    public int Count => _starts.Length;

    public int Find(UInt128 hashKey)
    {
        // Last range whose start is <= the key; ranges tile the space, so that range holds it.
        var lo = 0;
        var hi = _starts.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (_starts[mid] <= hashKey)
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
