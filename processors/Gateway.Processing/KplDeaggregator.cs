using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Gateway.Processing.Internal;

namespace Gateway.Processing;

/// <summary>
/// Splits Kinesis records in the KPL aggregated format into their user records, with the KCL's rules: anything that
/// is not a well-formed aggregate (bad magic, too short, bad MD5, bad protobuf) comes out as one plain record.
/// </summary>
public static class KplDeaggregator
{
    /// <summary>
    /// Emits the user records of one Kinesis record to <paramref name="onRecord"/>, in order, and never throws for any input.
    /// </summary>
    /// <param name="data">The Kinesis record's data blob.</param>
    /// <param name="outerPartitionKey">The Kinesis record's partition key, reported for a plain record.</param>
    /// <param name="outerExplicitHashKey">The Kinesis record's explicit hash key if known, reported for a plain record only.</param>
    /// <param name="onRecord">Receives each user record.</param>
    public static DeaggregationResult Deaggregate(ReadOnlySpan<byte> data, string outerPartitionKey, string? outerExplicitHashKey, DeaggregatedRecordHandler onRecord)
    {
        ArgumentNullException.ThrowIfNull(outerPartitionKey);
        ArgumentNullException.ThrowIfNull(onRecord);
        var check = Inspect(data);
        if (!check.IsAggregated)
        {
            onRecord(new DeaggregatedRecord(outerPartitionKey, outerExplicitHashKey, data, 0, isAggregated: false));
            return check;
        }

        EmitSubRecords(Body(data), onRecord);
        return check;
    }

    /// <summary>Checks whether <paramref name="data"/> is a well-formed KPL aggregated record without emitting anything.</summary>
    public static DeaggregationResult Inspect(ReadOnlySpan<byte> data)
    {
        if (data.Length < KplWire.MagicLength || !data.StartsWith(KplWire.Magic))
        {
            return Plain(NotAggregatedReason.NoMagic, -1);
        }

        if (data.Length - KplWire.MagicLength <= KplWire.DigestLength)
        {
            return Plain(NotAggregatedReason.TooShort, -1);
        }

        var body = Body(data);
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(body, digest);
        if (!digest.SequenceEqual(data[^KplWire.DigestLength..]))
        {
            return Plain(NotAggregatedReason.ChecksumMismatch, -1);
        }

        var reason = AggregatedRecordParser.Validate(body, out var recordCount, out var errorPosition);
        return reason == NotAggregatedReason.None
            ? new DeaggregationResult(IsAggregated: true, recordCount, NotAggregatedReason.None, -1)
            : Plain(reason, errorPosition < 0 ? -1 : KplWire.MagicLength + errorPosition);
    }

    private static DeaggregationResult Plain(NotAggregatedReason reason, int errorOffset) => new(IsAggregated: false, 1, reason, errorOffset);

    private static ReadOnlySpan<byte> Body(ReadOnlySpan<byte> data) => data[KplWire.MagicLength..^KplWire.DigestLength];

    /// <summary>Second pass over a body <see cref="AggregatedRecordParser.Validate"/> accepted, so no check here can fail.</summary>
    private static void EmitSubRecords(ReadOnlySpan<byte> body, DeaggregatedRecordHandler onRecord)
    {
        // Table entries are located first (they may follow the records) and each key is decoded to a string once.
        var partitionKeys = new KeyTable(body, AggregatedRecordParser.PartitionKeyTableField);
        var explicitHashKeys = new KeyTable(body, AggregatedRecordParser.ExplicitHashKeyTableField);
        try
        {
            var reader = new ProtoReader(body);
            var subSequence = 0;
            while (!reader.End)
            {
                reader.TryReadTag(out var field, out var wire);
                if (field == AggregatedRecordParser.RecordsField && wire == KplWire.WireLengthDelimited)
                {
                    reader.TryReadLengthDelimited(out var payload);
                    AggregatedRecordParser.TryReadSubRecord(payload, out var record, out _);
                    var partitionKey = partitionKeys.Get((int)record.PartitionKeyIndex);
                    var explicitHashKey = record.HasExplicitHashKeyIndex ? explicitHashKeys.Get((int)record.ExplicitHashKeyIndex) : null;
                    onRecord(new DeaggregatedRecord(partitionKey, explicitHashKey, record.Data, subSequence++, isAggregated: true));
                }
                else
                {
                    reader.TrySkip(field, wire);
                }
            }
        }
        finally
        {
            partitionKeys.Dispose();
            explicitHashKeys.Dispose();
        }
    }

    /// <summary>One key table of a validated body: where each entry sits, and its string once decoded.</summary>
    private ref struct KeyTable
    {
        private readonly ReadOnlySpan<byte> _body;
        private int[]? _offsets;
        private string?[]? _strings;

        public KeyTable(ReadOnlySpan<byte> body, int field)
        {
            _body = body;
            var count = 0;
            var reader = new ProtoReader(body);
            while (!reader.End)
            {
                reader.TryReadTag(out var f, out var wire);
                if (f == field && wire == KplWire.WireLengthDelimited)
                {
                    var start = reader.Position;
                    reader.TryReadLengthDelimited(out _);
                    _offsets ??= ArrayPool<int>.Shared.Rent(16);
                    if (count == _offsets.Length)
                    {
                        var larger = ArrayPool<int>.Shared.Rent(count * 2);
                        _offsets.AsSpan().CopyTo(larger);
                        ArrayPool<int>.Shared.Return(_offsets);
                        _offsets = larger;
                    }

                    _offsets[count++] = start;
                }
                else
                {
                    reader.TrySkip(f, wire);
                }
            }

            if (count > 0)
            {
                _strings = ArrayPool<string?>.Shared.Rent(count);
                Array.Clear(_strings);
            }
        }

        public string Get(int index)
        {
            ref var cached = ref _strings![index];
            if (cached is null)
            {
                var reader = new ProtoReader(_body[_offsets![index]..]);
                reader.TryReadLengthDelimited(out var utf8);

                // Invalid UTF-8 becomes U+FFFD, as protobuf-java decodes proto2 strings for the KCL.
                cached = Encoding.UTF8.GetString(utf8);
            }

            return cached;
        }

        public void Dispose()
        {
            if (_offsets is not null)
            {
                ArrayPool<int>.Shared.Return(_offsets);
                _offsets = null;
            }

            if (_strings is not null)
            {
                ArrayPool<string?>.Shared.Return(_strings, clearArray: true);
                _strings = null;
            }
        }
    }
}
