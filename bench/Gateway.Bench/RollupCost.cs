using BenchmarkDotNet.Attributes;
using Gateway.Dashboards.Rollups;
using Gateway.Dashboards.Sketches;
using Gateway.Dashboards.Tests.Rollups.Support;
using Gateway.Processing.Enrichment;

namespace Gateway.Bench;

/// <summary>
/// CPU and allocation per event of <see cref="RollupStore.Add"/>, single thread, in steady state (the buckets exist after
/// the first pass): 65 536 enriched rows from five pixels, 100 000 visitors, 1 000 pages on three hosts, 50 referrer hosts
/// (a third of the events have none), mixed event names, 1 % bots, a few email opens and purchases; strings the enricher
/// builds per record are distinct instances per row. "Live": dated over the last five minutes, in time order, as a stream
/// delivers them. "Shuffled": dated over the last hour in random order (late events, sixty minute buckets per pixel in
/// play). "AtTheBudget": the live rows into a store whose memory budget a flood of made-up values has already reached, so
/// every event takes the degraded path. Baseline: hashing the visitor id alone, the least any distinct count costs.
/// Allocation comes from space-saving evictions: a page not in a bucket's top 64 replaces one, as a new string.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project bench/Gateway.Bench -- --filter '*RollupCost*'</c>.</remarks>
[MemoryDiagnoser]
public class RollupCost
{
    private const int Rows = 65_536;

    private EventRow[] _rows = [];
    private EventRow[] _shuffled = [];
    private RollupStore _store = null!;
    private RollupStore _late = null!;
    private RollupStore _full = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261123);
        var mix = new RowMix(20261123, pixels: 5);
        var now = DateTimeOffset.UtcNow;
        _rows = new EventRow[Rows];
        _shuffled = new EventRow[Rows];
        for (var i = 0; i < Rows; i++)
        {
            _rows[i] = mix.Next(now.AddSeconds(-300 + (300.0 * i / Rows)));
            _shuffled[i] = mix.Next(now.AddSeconds(-random.Next(3_600)));
        }

        _store = new RollupStore();
        Add(_store, _rows);
        _late = new RollupStore();
        Add(_late, _shuffled);

        _full = new RollupStore(new RollupOptions { MaxBytes = 16L * 1024 * 1024 });
        while (_full.Degraded == 0)
        {
            _full.Add(RowMix.Junk(random, now.AddSeconds(-random.Next(3_600)), textLength: 16, pixels: 900));
        }

        Add(_full, _rows);
    }

    [GlobalCleanup]
    public void Cleanup() =>
        Console.WriteLine($"// live: {_store.ApproximateBytes:N0} bytes; shuffled: {_late.ApproximateBytes:N0} bytes; at the budget: {_full.ApproximateBytes:N0} bytes, {_full.Degraded:N0} degraded");

    /// <summary>XXH64 of each visitor id: the floor under any distinct count.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public ulong HashVisitorOnly()
    {
        var sum = 0UL;
        foreach (var row in _rows)
        {
            sum += HyperLogLog.Hash(row.VisitorId);
        }

        return sum;
    }

    /// <summary>Every event into its minute and hour: counters, eight tallies, two sketches of top values, a visitor sketch each.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public int StoreAddLive() => Add(_store, _rows);

    /// <summary>The same work with events of the last hour in random order.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public int StoreAddShuffled() => Add(_late, _shuffled);

    /// <summary>The live events once the memory budget is reached (new values fold into "(other)").</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public int StoreAddAtTheBudget() => Add(_full, _rows);

    private static int Add(RollupStore store, EventRow[] rows)
    {
        var added = 0;
        foreach (var row in rows)
        {
            added += store.Add(row) ? 1 : 0;
        }

        return added;
    }
}
