namespace Gateway.Streams.Internal;

/// <summary>One segment file of a shard, named by the first sequence number it holds.</summary>
internal sealed class SegmentInfo(long firstSequenceNumber, string path, long length)
{
    private const long Unknown = long.MinValue;

    private long _length = length;
    private long _firstArrivalUnixMs = Unknown;

    public long FirstSequenceNumber { get; } = firstSequenceNumber;

    public string Path { get; } = path;

    /// <summary>Bytes written so far; final once a newer segment exists.</summary>
    public long Length
    {
        get => Volatile.Read(ref _length);
        set => Volatile.Write(ref _length, value);
    }

    /// <summary>Arrival time of the segment's first record, read from disk once and cached; false while the segment is empty.</summary>
    public bool TryGetFirstArrival(out long arrivalUnixMs)
    {
        arrivalUnixMs = Volatile.Read(ref _firstArrivalUnixMs);
        if (arrivalUnixMs != Unknown)
        {
            return true;
        }

        if (Length < RecordCodec.HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[RecordCodec.HeaderSize];
        using (var handle = File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (RandomAccess.Read(handle, header, 0) < header.Length || !RecordCodec.TryReadArrival(header, out arrivalUnixMs))
            {
                return false;
            }
        }

        Volatile.Write(ref _firstArrivalUnixMs, arrivalUnixMs);
        return true;
    }
}
