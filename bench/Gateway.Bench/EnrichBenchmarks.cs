using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Processing;
using Gateway.Processing.Enrichment;

namespace Gateway.Bench;

/// <summary>
/// Parse alone against parse + every enrichment step, per event, over a realistic mix of 4,096 lines: 16 common user
/// agents weighted like pixel traffic plus 2 % unique ones (cache misses), ten pixels, UTM and click ids on a third of the
/// hits, a referrer on half, 5 % IPv6, 3 % email opens, 1 % bad lines. Each line's eid is unique; the dedup variant
/// replays the same lines, so after the first pass every lookup finds its id (the steady-state cost of the filter).
/// </summary>
[MemoryDiagnoser]
public class EnrichBenchmarks
{
    private const int Lines = 4096;

    private readonly RealtimeLogParser _parser = new(RealtimeLogFields.Default);
    private byte[][] _lines = [];
    private EventEnricher _enricher = null!;
    private EventEnricher _deduplicating = null!;

    /// <summary>Share of user-agent lookups answered from the cache during the last run of <see cref="ParseAndEnrich"/>.</summary>
    public double UserAgentCacheHitRate =>
        (double)_enricher.UserAgentCacheHits / Math.Max(1, _enricher.UserAgentCacheHits + _enricher.UserAgentCacheMisses);

    [GlobalSetup]
    public void Setup()
    {
        var resources = EnricherResources.Load();
        var visitors = new VisitorIds(RandomNumberGenerator.GetBytes(48));
        _enricher = new EventEnricher(resources, visitors);
        _deduplicating = new EventEnricher(resources, visitors, new EnricherOptions { Deduplicator = new EventIdDeduplicator(TimeProvider.System) });
        _lines = Mix(new Random(20231114));
    }

    [GlobalCleanup]
    public void Cleanup() =>
        Console.WriteLine($"// user-agent cache: {_enricher.UserAgentCacheHits} hits, {_enricher.UserAgentCacheMisses} misses, hit rate {UserAgentCacheHitRate:P2}");

    /// <summary>Split, validate, convert numbers and walk the query (the parser's whole job), per line.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Lines)]
    public long ParseOnly()
    {
        long total = 0;
        foreach (var bytes in _lines)
        {
            if (_parser.TryParse(bytes, out var line, out _))
            {
                using var query = line.Query();
                foreach (var parameter in query)
                {
                    total += parameter.Value.Length;
                }
            }
        }

        return total;
    }

    /// <summary>Every step but dedup: one <see cref="EventRow"/> (or bad row) per line.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public int ParseAndEnrich()
    {
        var events = 0;
        foreach (var line in _lines)
        {
            events += _enricher.Enrich(line, DateTimeOffset.UnixEpoch).Status == EnrichStatus.Event ? 1 : 0;
        }

        return events;
    }

    /// <summary>Every step including the dedup window.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public int ParseEnrichAndDedup()
    {
        var kept = 0;
        foreach (var line in _lines)
        {
            kept += _deduplicating.Enrich(line, DateTimeOffset.UnixEpoch).Status == EnrichStatus.Event ? 1 : 0;
        }

        return kept;
    }

    /// <summary>Enriches the mix in a loop for <paramref name="duration"/> and prints events/s and the cache hit rate.</summary>
    internal static void RunThroughput(TimeSpan duration)
    {
        var benchmarks = new EnrichBenchmarks();
        benchmarks.Setup();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long lines = 0;
        while (watch.Elapsed < duration)
        {
            benchmarks.ParseAndEnrich();
            lines += Lines;
        }

        Console.WriteLine($"{lines / watch.Elapsed.TotalSeconds:F0} lines/s on one thread; user-agent cache hit rate {benchmarks.UserAgentCacheHitRate:P2}");
    }

    /// <summary>The line mix described on the class, reproducible from <paramref name="random"/>.</summary>
    internal static byte[][] Mix(Random random) =>
        [.. RealtimeLogMix.Lines(Lines, random, RealtimeLogMix.UniqueAgents.EveryTime, startUnixSeconds: 1_700_000_000, secondsPerLine: 1)];
}
