namespace Gateway.Processing;

/// <summary>A shard's inclusive range of 128-bit hash keys (Kinesis <c>HashKeyRange</c>).</summary>
public readonly record struct HashKeyRange(UInt128 Start, UInt128 End)
{
    /// <summary>The whole hash-key space: the only shard of a single-shard stream.</summary>
    public static HashKeyRange All => new(UInt128.Zero, UInt128.MaxValue);

    /// <summary>Whether <paramref name="hashKey"/> falls inside the range.</summary>
    public bool Contains(UInt128 hashKey) => hashKey >= Start && hashKey <= End;

    /// <summary>Splits the hash-key space into <paramref name="shardCount"/> equal ranges as Kinesis CreateStream does; the last ends at 2^128-1.</summary>
    public static HashKeyRange[] SplitEvenly(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        var ranges = new HashKeyRange[shardCount];
        var count = (UInt128)(uint)shardCount;

        // floor(2^128 / n) without overflowing: 2^128 = MaxValue + 1.
        var step = (UInt128.MaxValue / count) + (UInt128.MaxValue % count == count - 1 ? UInt128.One : UInt128.Zero);
        for (var i = 0; i < shardCount; i++)
        {
            var start = step * (uint)i;
            var end = i == shardCount - 1 ? UInt128.MaxValue : (step * (uint)(i + 1)) - 1;
            ranges[i] = new HashKeyRange(start, end);
        }

        return ranges;
    }
}
