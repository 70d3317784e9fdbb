using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gateway.Processing;

namespace Gateway.Bench;

/// <summary>
/// "kpl-throughput FILE": aggregates every record of FILE (lines of "partition key TAB data", written by
/// tools/kpl/make-records.js) with <see cref="KplAggregator"/>. Reading the file is not timed. Prints one line
/// per target size in the same shape as tools/kpl/bench-aggregate.js, which bench/kpl-vs-node.sh compares.
/// </summary>
internal static class KplThroughput
{
    private const int Runs = 5;

    public static async Task RunAsync(string path)
    {
        var records = await LoadAsync(path).ConfigureAwait(false);
        Measure(records, KplAggregatorOptions.DefaultTargetSize);
        Measure(records, KplAggregatorOptions.DefaultMaxRecordSize);
    }

    private static async Task<UserRecord[]> LoadAsync(string path)
    {
        var lines = await File.ReadAllLinesAsync(path, Encoding.UTF8).ConfigureAwait(false);
        var records = new List<UserRecord>(lines.Length);
        foreach (var line in lines)
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                records.Add(new UserRecord(line[..tab], Encoding.UTF8.GetBytes(line[(tab + 1)..])));
            }
        }

        return [.. records];
    }

    private static void Measure(UserRecord[] records, int targetSize)
    {
        var stats = new Stats();
        using var aggregator = new KplAggregator(new KplAggregatorOptions { TargetSize = targetSize }, stats.Add);

        // Warm-up pass: tiered JIT reaches its optimised code and the pooled buffers reach their working size.
        AggregateAll(aggregator, records);
        var best = TimeSpan.MaxValue;
        for (var run = 0; run < Runs; run++)
        {
            stats.Reset();
            var started = Stopwatch.GetTimestamp();
            AggregateAll(aggregator, records);
            var elapsed = Stopwatch.GetElapsedTime(started);
            best = elapsed < best ? elapsed : best;
        }

        var seconds = best.TotalSeconds;
        FormattableString line = $"kpl-throughput impl=dotnet target={targetSize} records={records.Length} seconds={seconds:F6} records_per_second={records.Length / seconds:F0} aggregated_records={stats.Count} mean_record_bytes={stats.Bytes / (double)stats.Count:F1} mean_kinesis_bytes={stats.KinesisBytes / (double)stats.Count:F1}";
        Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
    }

    private static void AggregateAll(KplAggregator aggregator, UserRecord[] records)
    {
        foreach (var record in records)
        {
            aggregator.Add(record);
        }

        aggregator.Flush();
    }

    private sealed class Stats
    {
        public long Count { get; private set; }

        public long Bytes { get; private set; }

        public long KinesisBytes { get; private set; }

        public void Add(in KinesisPutRecord record)
        {
            Count++;
            Bytes += record.Data.Length;
            KinesisBytes += record.Data.Length + Encoding.UTF8.GetByteCount(record.PartitionKey);
        }

        public void Reset() => (Count, Bytes, KinesisBytes) = (0, 0, 0);
    }
}
