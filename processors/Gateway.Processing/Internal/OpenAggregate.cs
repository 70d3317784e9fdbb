using System.Security.Cryptography;
using System.Text;

namespace Gateway.Processing.Internal;

/// <summary>
/// The aggregated record being filled for one shard. The protobuf is kept as three pre-encoded sections so the
/// output is written in canonical field order (key tables first, then records) no matter the order keys appear in.
/// </summary>
internal sealed class OpenAggregate : IDisposable
{
    private readonly Dictionary<string, int> _partitionKeyIndexes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _explicitHashKeyIndexes = new(StringComparer.Ordinal);
    private readonly PooledBuffer _partitionKeyTable = new(256);
    private readonly PooledBuffer _explicitHashKeyTable = new(64);
    private readonly PooledBuffer _records;
    private int _firstDataOffset;
    private int _firstDataLength;
    private int _firstPartitionKeyUtf8Length;

    public OpenAggregate(int initialCapacity) => _records = new PooledBuffer(initialCapacity);

    public int Count { get; private set; }

    /// <summary>Partition key of the first record; it becomes the outer partition key.</summary>
    public string FirstPartitionKey { get; private set; } = string.Empty;

    public string? FirstExplicitHashKey { get; private set; }

    /// <summary>Effective hash key of the first record; it becomes the outer explicit hash key.</summary>
    public UInt128 FirstHashKey { get; private set; }

    public bool FirstStartsWithMagic { get; private set; }

    public ReadOnlySpan<byte> FirstData => _records.WrittenSpan.Slice(_firstDataOffset, _firstDataLength);

    public int ProtobufLength => _partitionKeyTable.Length + _explicitHashKeyTable.Length + _records.Length;

    /// <summary>Size of the outer Kinesis record as Kinesis counts it: magic, protobuf, MD5 and the outer (first) partition key.</summary>
    public int RecordSize => KplWire.FixedOverhead + ProtobufLength + _firstPartitionKeyUtf8Length;

    /// <summary>Exact number of protobuf bytes adding the record would take, given the keys already in the tables.</summary>
    public int MeasureAdd(string partitionKey, int partitionKeyUtf8Length, string? explicitHashKey, int dataLength)
    {
        var size = 0;
        if (!_partitionKeyIndexes.TryGetValue(partitionKey, out var pkIndex))
        {
            pkIndex = _partitionKeyIndexes.Count;
            size += KplWire.LengthDelimitedSize(partitionKeyUtf8Length);
        }

        var inner = 1 + KplWire.VarintSize((uint)pkIndex);
        if (explicitHashKey is not null)
        {
            if (!_explicitHashKeyIndexes.TryGetValue(explicitHashKey, out var ehkIndex))
            {
                ehkIndex = _explicitHashKeyIndexes.Count;
                size += KplWire.LengthDelimitedSize(explicitHashKey.Length);
            }

            inner += 1 + KplWire.VarintSize((uint)ehkIndex);
        }

        inner += KplWire.LengthDelimitedSize(dataLength);
        return size + KplWire.LengthDelimitedSize(inner);
    }

    public void Add(string partitionKey, ReadOnlySpan<byte> partitionKeyUtf8, string? explicitHashKey, UInt128 hashKey, ReadOnlySpan<byte> data)
    {
        if (Count == 0)
        {
            FirstPartitionKey = partitionKey;
            FirstExplicitHashKey = explicitHashKey;
            FirstHashKey = hashKey;
            FirstStartsWithMagic = data.StartsWith(KplWire.Magic);
            _firstPartitionKeyUtf8Length = partitionKeyUtf8.Length;
        }

        if (!_partitionKeyIndexes.TryGetValue(partitionKey, out var pkIndex))
        {
            pkIndex = _partitionKeyIndexes.Count;
            _partitionKeyIndexes.Add(partitionKey, pkIndex);
            _partitionKeyTable.Write(KplWire.PartitionKeyTableTag);
            _partitionKeyTable.WriteVarint((uint)partitionKeyUtf8.Length);
            _partitionKeyTable.Write(partitionKeyUtf8);
        }

        var ehkIndex = -1;
        if (explicitHashKey is not null && !_explicitHashKeyIndexes.TryGetValue(explicitHashKey, out ehkIndex))
        {
            ehkIndex = _explicitHashKeyIndexes.Count;
            _explicitHashKeyIndexes.Add(explicitHashKey, ehkIndex);
            _explicitHashKeyTable.Write(KplWire.ExplicitHashKeyTableTag);
            _explicitHashKeyTable.WriteVarint((uint)explicitHashKey.Length);
            // Validated as ASCII digits, so one byte per char.
            var written = Encoding.ASCII.GetBytes(explicitHashKey, _explicitHashKeyTable.GetSpan(explicitHashKey.Length));
            _explicitHashKeyTable.Advance(written);
        }

        var inner = 1 + KplWire.VarintSize((uint)pkIndex) + KplWire.LengthDelimitedSize(data.Length);
        if (ehkIndex >= 0)
        {
            inner += 1 + KplWire.VarintSize((uint)ehkIndex);
        }

        _records.Write(KplWire.RecordsTag);
        _records.WriteVarint((uint)inner);
        _records.Write(KplWire.PartitionKeyIndexTag);
        _records.WriteVarint((uint)pkIndex);
        if (ehkIndex >= 0)
        {
            _records.Write(KplWire.ExplicitHashKeyIndexTag);
            _records.WriteVarint((uint)ehkIndex);
        }

        _records.Write(KplWire.DataTag);
        _records.WriteVarint((uint)data.Length);
        if (Count == 0)
        {
            _firstDataOffset = _records.Length;
            _firstDataLength = data.Length;
        }

        _records.Write(data);
        Count++;
    }

    /// <summary>Bytes <see cref="WriteTo"/> writes: magic, protobuf and MD5 (the outer partition key is not part of the blob).</summary>
    public int BlobLength => KplWire.FixedOverhead + ProtobufLength;

    /// <summary>Writes the aggregated blob: magic, the AggregatedRecord protobuf in canonical field order, MD5 of the protobuf.</summary>
    public void WriteTo(Span<byte> destination)
    {
        KplWire.Magic.CopyTo(destination);
        var protobuf = destination.Slice(KplWire.MagicLength, ProtobufLength);
        _partitionKeyTable.WrittenSpan.CopyTo(protobuf);
        _explicitHashKeyTable.WrittenSpan.CopyTo(protobuf[_partitionKeyTable.Length..]);
        _records.WrittenSpan.CopyTo(protobuf[(_partitionKeyTable.Length + _explicitHashKeyTable.Length)..]);
        MD5.HashData(protobuf, destination.Slice(KplWire.MagicLength + protobuf.Length, KplWire.DigestLength));
    }

    public void Clear()
    {
        // The tables hold the callers' key strings; clearing releases them and keeps the dictionaries' capacity.
        _partitionKeyIndexes.Clear();
        _explicitHashKeyIndexes.Clear();
        _partitionKeyTable.Clear();
        _explicitHashKeyTable.Clear();
        _records.Clear();
        Count = 0;
        FirstPartitionKey = string.Empty;
        FirstExplicitHashKey = null;
        FirstHashKey = UInt128.Zero;
        FirstStartsWithMagic = false;
        _firstDataOffset = 0;
        _firstDataLength = 0;
        _firstPartitionKeyUtf8Length = 0;
    }

    public void Dispose()
    {
        _partitionKeyTable.Dispose();
        _explicitHashKeyTable.Dispose();
        _records.Dispose();
    }
}
