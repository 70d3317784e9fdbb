using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Processing;

namespace Gateway.Bench;

/// <summary>
/// Per-record cost of KPL aggregation on real-time-log-sized records (about 480 bytes, 56-character request-id keys).
/// Baseline: the obvious version (MemoryStream, a byte[] per key and per record, MD5 over a copied array) that the
/// span-based <see cref="KplAggregator"/> replaces. The aggregator cases must show 0 B allocated per record.
/// </summary>
[MemoryDiagnoser]
public class KplBenchmarks
{
    private const int RecordCount = 10_000;

    private UserRecord[] _records = [];
    private KplAggregator _singleShard = null!;
    private KplAggregator _fourShards = null!;
    private KplAggregator _oneMiB = null!;
    private long _emittedBytes;

    [GlobalSetup]
    public void Setup()
    {
        _records = new UserRecord[RecordCount];
        var random = new Random(42);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var i = 0; i < RecordCount; i++)
        {
            var key = new string(Enumerable.Range(0, 54).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()) + "==";
            var line = $"{1_700_000_000 + i}.123\t198.51.100.0\t200\t254\tGET\thttps\tpx.shop.example\t/p.gif\tFRA56-P1\t{key}\t0.001\t"
                + "Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2010_15_7)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/131.0.0.0%20Safari/537.36\t"
                + $"https://shop.example/product/{i}\tpid=px1&e=pageview&eid={i:x8}&url=https%3A%2F%2Fshop.example%2Fproduct%2F42&utm_source=news&utm_medium=email\t-\t-\tHTTP/2.0\tIPv4\t-\t-";
            _records[i] = new UserRecord(key, Encoding.UTF8.GetBytes(line));
        }

        _singleShard = new KplAggregator(new KplAggregatorOptions(), Count);
        _fourShards = new KplAggregator(new KplAggregatorOptions { ShardHashKeyRanges = HashKeyRange.SplitEvenly(4) }, Count);
        _oneMiB = new KplAggregator(new KplAggregatorOptions { TargetSize = KplAggregatorOptions.DefaultMaxRecordSize }, Count);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _singleShard.Dispose();
        _fourShards.Dispose();
        _oneMiB.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordCount)]
    public long NaiveMemoryStream()
    {
        var naive = new NaiveAggregator(KplAggregatorOptions.DefaultTargetSize);
        foreach (var record in _records)
        {
            naive.Add(record);
        }

        return naive.Finish();
    }

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public long SingleShard5KB() => Run(_singleShard);

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public long FourShards5KB() => Run(_fourShards);

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public long SingleShard1MiB() => Run(_oneMiB);

    private long Run(KplAggregator aggregator)
    {
        _emittedBytes = 0;
        foreach (var record in _records)
        {
            aggregator.Add(record);
        }

        aggregator.Flush();
        return _emittedBytes;
    }

    private void Count(in KinesisPutRecord record) => _emittedBytes += record.Data.Length;

    /// <summary>Straightforward aggregation: per-record arrays and streams, the shape a first port would take.</summary>
    private sealed class NaiveAggregator(int targetSize)
    {
        private readonly List<string> _keys = [];
        private readonly List<byte[]> _encodedRecords = [];
        private long _emitted;
        private int _size;

        public void Add(in UserRecord record)
        {
            var keyBytes = Encoding.UTF8.GetBytes(record.PartitionKey);
            var index = _keys.IndexOf(record.PartitionKey);
            var newKey = index < 0;
            using var inner = new MemoryStream();
            inner.WriteByte(0x08);
            WriteVarint(inner, (ulong)(newKey ? _keys.Count : index));
            inner.WriteByte(0x1A);
            WriteVarint(inner, (ulong)record.Data.Length);
            inner.Write(record.Data.Span);
            var added = inner.Length + 6 + (newKey ? keyBytes.Length + 3 : 0);
            if (_encodedRecords.Count > 0 && 20 + _size + added + keyBytes.Length > targetSize)
            {
                Emit();
            }

            if (_keys.IndexOf(record.PartitionKey) < 0)
            {
                _keys.Add(record.PartitionKey);
                _size += keyBytes.Length + 3;
            }

            using var field = new MemoryStream();
            field.WriteByte(0x1A);
            WriteVarint(field, (ulong)inner.Length);
            inner.WriteTo(field);
            _encodedRecords.Add(field.ToArray());
            _size += (int)field.Length;
        }

        public long Finish()
        {
            if (_encodedRecords.Count > 0)
            {
                Emit();
            }

            return _emitted;
        }

        private void Emit()
        {
            using var body = new MemoryStream();
            foreach (var key in _keys)
            {
                var bytes = Encoding.UTF8.GetBytes(key);
                body.WriteByte(0x0A);
                WriteVarint(body, (ulong)bytes.Length);
                body.Write(bytes);
            }

            foreach (var encoded in _encodedRecords)
            {
                body.Write(encoded);
            }

            var protobuf = body.ToArray();
            var blob = new byte[20 + protobuf.Length];
            blob[0] = 0xF3;
            blob[1] = 0x89;
            blob[2] = 0x9A;
            blob[3] = 0xC2;
            protobuf.CopyTo(blob, 4);
            MD5.HashData(protobuf).CopyTo(blob, 4 + protobuf.Length);
            _emitted += blob.Length;
            _keys.Clear();
            _encodedRecords.Clear();
            _size = 0;
        }

        private static void WriteVarint(MemoryStream stream, ulong value)
        {
            while (value >= 0x80)
            {
                stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            stream.WriteByte((byte)value);
        }
    }
}
