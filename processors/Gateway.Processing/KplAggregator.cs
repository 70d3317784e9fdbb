using System.Diagnostics.CodeAnalysis;
using Gateway.Processing.Internal;

namespace Gateway.Processing;

/// <summary>
/// Packs user records into KPL aggregated records (magic, AggregatedRecord protobuf, MD5), one open aggregate per
/// destination shard, and hands completed records to a <see cref="KinesisPutRecordHandler"/>.
/// </summary>
/// <remarks>
/// Not thread-safe; use one instance per producer loop. It keeps no clock: call <see cref="Flush"/> when records have
/// waited long enough (the KPL's <c>RecordMaxBufferedTime</c>) and before shutdown, or buffered records are lost.
/// The handler runs synchronously inside <see cref="Add(in UserRecord)"/> and <see cref="Flush"/> and must not call
/// back into the aggregator. If it throws, the aggregate it was given stays open and is offered again by the next flush.
/// </remarks>
public sealed partial class KplAggregator : IDisposable
{
    private readonly KinesisPutRecordHandler _handler;
    private readonly ShardMap _shards;
    private readonly OpenAggregate?[] _aggregates;
    private readonly PooledBuffer _output;
    private readonly int _targetSize;
    private readonly int _maxRecordSize;
    private bool _inHandler;
    private bool _disposed;

    /// <summary>Creates an aggregator that sends completed records to <paramref name="handler"/>.</summary>
    /// <exception cref="ArgumentException">The options are out of range or the shard ranges do not tile the hash-key space.</exception>
    public KplAggregator(KplAggregatorOptions options, KinesisPutRecordHandler handler)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        if (options.MaxRecordSize is < KplAggregatorOptions.MinTargetSize or > KplAggregatorOptions.LargestMaxRecordSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxRecordSize,
                $"MaxRecordSize must be between {KplAggregatorOptions.MinTargetSize} and {KplAggregatorOptions.LargestMaxRecordSize} bytes (Kinesis allows up to 10 MiB per record); the default is {KplAggregatorOptions.DefaultMaxRecordSize}.");
        }

        if (options.TargetSize < KplAggregatorOptions.MinTargetSize || options.TargetSize > options.MaxRecordSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TargetSize,
                $"TargetSize must be between {KplAggregatorOptions.MinTargetSize} and MaxRecordSize ({options.MaxRecordSize}) bytes; the default is {KplAggregatorOptions.DefaultTargetSize}.");
        }

        _handler = handler;
        _shards = new ShardMap(options.ShardHashKeyRanges);
        _aggregates = new OpenAggregate?[_shards.Count];
        _targetSize = options.TargetSize;
        _maxRecordSize = options.MaxRecordSize;
        _output = new PooledBuffer(Math.Min(_targetSize, 64 * 1024));
    }

    /// <summary>Number of user records held in open aggregates, not yet handed to the handler.</summary>
    public int BufferedRecordCount
    {
        get
        {
            var count = 0;
            foreach (var aggregate in _aggregates)
            {
                count += aggregate?.Count ?? 0;
            }

            return count;
        }
    }

    /// <summary>Adds a user record, first completing its shard's aggregate if the record would push it past the target size.</summary>
    /// <exception cref="ArgumentException">The record breaks a Kinesis limit; the message names the field and the limit.</exception>
    public void Add(in UserRecord record)
    {
        if (!TryAdd(record.PartitionKey, record.ExplicitHashKey, record.Data.Span, out var error))
        {
            ThrowInvalid(error, record.PartitionKey, record.ExplicitHashKey, record.Data.Length);
        }
    }

    /// <summary>Adds a user record, or returns false with the reason when it breaks a Kinesis limit (nothing is added then).</summary>
    public bool TryAdd(in UserRecord record, out UserRecordError error) =>
        TryAdd(record.PartitionKey, record.ExplicitHashKey, record.Data.Span, out error);

    /// <summary>Adds a user record given as its parts; <paramref name="data"/> is copied before this returns.</summary>
    public bool TryAdd(string partitionKey, string? explicitHashKey, ReadOnlySpan<byte> data, out UserRecordError error) =>
        TryAdd(partitionKey, explicitHashKey, data, out _, out error);

    /// <summary>Adds a user record and reports the index of the shard (in <see cref="KplAggregatorOptions.ShardHashKeyRanges"/>) it goes to.</summary>
    /// <remarks>Records of one shard leave in the order they were added, so a caller can tell which records each output carries.</remarks>
    public bool TryAdd(string partitionKey, string? explicitHashKey, ReadOnlySpan<byte> data, out int shardIndex, out UserRecordError error)
    {
        ThrowIfUnusable();
        shardIndex = -1;
        Span<byte> pkUtf8 = stackalloc byte[HashKeys.MaxPartitionKeyUtf8Length];
        error = HashKeys.TryEncodePartitionKey(partitionKey, pkUtf8, out var pkLength);
        if (error != UserRecordError.None)
        {
            return false;
        }

        pkUtf8 = pkUtf8[..pkLength];
        var hashKey = UInt128.Zero;
        var hashKnown = false;
        if (explicitHashKey is not null)
        {
            error = HashKeys.TryParseExplicitHashKey(explicitHashKey, out hashKey);
            if (error != UserRecordError.None)
            {
                return false;
            }

            hashKnown = true;
        }

        // Data that starts with the magic is never sent bare, not even alone (where the KPL would): a consumer would
        // take a payload that happens to be a valid aggregate, such as one fed back in, for the aggregate itself.
        var mustWrap = data.StartsWith(KplWire.Magic);
        var aloneSize = mustWrap
            ? KplWire.FixedOverhead + SingleRecordProtobufSize(pkLength, explicitHashKey, data.Length) + pkLength
            : (long)pkLength + data.Length;
        if (aloneSize > _maxRecordSize)
        {
            error = UserRecordError.DataTooLarge;
            return false;
        }

        var shard = 0;
        if (_shards.Count > 1)
        {
            if (!hashKnown)
            {
                hashKey = KinesisHashKey.Of(pkUtf8);
                hashKnown = true;
            }

            shard = _shards.Find(hashKey);
        }

        shardIndex = shard;

        var aggregate = _aggregates[shard] ??= new OpenAggregate(Math.Min(_targetSize, 64 * 1024));
        if (aggregate.Count > 0)
        {
            var added = aggregate.MeasureAdd(partitionKey, pkLength, explicitHashKey, data.Length);
            if ((long)aggregate.RecordSize + added <= _targetSize)
            {
                aggregate.Add(partitionKey, pkUtf8, explicitHashKey, UInt128.Zero, data);
                return true;
            }

            Emit(aggregate, shard);
        }

        // The record opens a new aggregate, so its hash key becomes the outer explicit hash key.
        if (!hashKnown)
        {
            hashKey = KinesisHashKey.Of(pkUtf8);
        }

        var size = KplWire.FixedOverhead + (long)SingleRecordProtobufSize(pkLength, explicitHashKey, data.Length) + pkLength;
        if (size <= _targetSize || mustWrap)
        {
            aggregate.Add(partitionKey, pkUtf8, explicitHashKey, hashKey, data);
            if (size > _targetSize)
            {
                Emit(aggregate, shard);
            }

            return true;
        }

        // Too large to aggregate under the target: send it alone, after everything queued before it for this shard.
        Deliver(new KinesisPutRecord(partitionKey, explicitHashKey, data, 1, isAggregated: false, shard));
        return true;
    }

    /// <summary>Completes every open aggregate and hands it to the handler, in shard order.</summary>
    public void Flush()
    {
        ThrowIfUnusable();
        for (var shard = 0; shard < _aggregates.Length; shard++)
        {
            var aggregate = _aggregates[shard];
            if (aggregate is { Count: > 0 })
            {
                Emit(aggregate, shard);
            }
        }
    }

    /// <summary>Returns the pooled buffers. Records not yet flushed are dropped.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var aggregate in _aggregates)
        {
            aggregate?.Dispose();
        }

        _output.Dispose();
    }

    /// <summary>A sentence naming the broken limit and the fix, for logs and exceptions.</summary>
    public static string Describe(UserRecordError error) => error switch
    {
        UserRecordError.None => "The record is valid.",
        UserRecordError.PartitionKeyMissing => "The partition key is missing; Kinesis requires 1 to 256 characters.",
        UserRecordError.PartitionKeyTooLong => "The partition key is longer than Kinesis' 256-character limit; shorten it or hash it.",
        UserRecordError.PartitionKeyInvalidUnicode => "The partition key contains an unpaired UTF-16 surrogate, which cannot be sent as UTF-8 unchanged; fix the key's text.",
        UserRecordError.ExplicitHashKeyMalformed => "The explicit hash key must be a decimal integer without sign, spaces or leading zeros (pattern 0|([1-9]\\d{0,38})), or null.",
        UserRecordError.ExplicitHashKeyOutOfRange => "The explicit hash key is larger than 2^128-1 (340282366920938463463374607431768211455).",
        UserRecordError.DataTooLarge => "Data plus partition key exceed the stream's record size limit (KplAggregatorOptions.MaxRecordSize); split the record.",
        _ => error.ToString(),
    };

    private static int SingleRecordProtobufSize(int pkLength, string? explicitHashKey, int dataLength)
    {
        var size = KplWire.LengthDelimitedSize(pkLength);
        var inner = 2 + KplWire.LengthDelimitedSize(dataLength);
        if (explicitHashKey is not null)
        {
            size += KplWire.LengthDelimitedSize(explicitHashKey.Length);
            inner += 2;
        }

        return size + KplWire.LengthDelimitedSize(inner);
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_inHandler)
        {
            ThrowReentrant();
        }
    }

    [DoesNotReturn]
    private static void ThrowReentrant() =>
        throw new InvalidOperationException("The KplAggregator was called from inside its own record handler; copy the record and add or flush after the handler returns.");

    [DoesNotReturn]
    private static void ThrowInvalid(UserRecordError error, string? partitionKey, string? explicitHashKey, int dataLength)
    {
        var key = partitionKey is null ? "null" : partitionKey.Length > 64 ? $"\"{partitionKey[..64]}…\" ({partitionKey.Length} chars)" : $"\"{partitionKey}\"";
        var ehk = explicitHashKey is null ? "none" : explicitHashKey.Length > 48 ? $"\"{explicitHashKey[..48]}…\"" : $"\"{explicitHashKey}\"";
        throw new ArgumentException($"User record rejected (partition key {key}, explicit hash key {ehk}, {dataLength} data bytes): {Describe(error)}", "record");
    }
}
