using BenchmarkDotNet.Attributes;
using Gateway.Dashboards.Rollups;
using Gateway.Dashboards.Sketches;
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

    private static readonly string[] Names = ["pageview", "pageview", "pageview", "pageview", "pageview", "click", "scroll", "open", "purchase", "signup"];
    private static readonly string[] Countries = ["DE", "US", "FR", "GB", "NL", "ES", "IT", "PL", "SE", "BR", "IN", "JP"];
    private static readonly string[] Browsers = ["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"];
    private static readonly string[] Systems = ["Windows", "Mac OS X", "iOS", "Android", "Linux"];
    private static readonly string[] Devices = ["desktop", "mobile", "tablet"];
    private static readonly string[] Media = ["direct", "search", "social", "email", "internal", "other"];

    private EventRow[] _rows = [];
    private EventRow[] _shuffled = [];
    private RollupStore _store = null!;
    private RollupStore _late = null!;
    private RollupStore _full = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261123);
        var now = DateTimeOffset.UtcNow;
        _rows = new EventRow[Rows];
        _shuffled = new EventRow[Rows];
        for (var i = 0; i < Rows; i++)
        {
            _rows[i] = Row(random, now.AddSeconds(-300 + (300.0 * i / Rows)));
            _shuffled[i] = Row(random, now.AddSeconds(-random.Next(3_600)));
        }

        _store = new RollupStore();
        Add(_store, _rows);
        _late = new RollupStore();
        Add(_late, _shuffled);

        _full = new RollupStore(new RollupOptions { MaxBytes = 16L * 1024 * 1024 });
        for (var i = 0; _full.Degraded == 0; i++)
        {
            _full.Add(Junk(random, now.AddSeconds(-random.Next(3_600)), i));
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

    private static EventRow Row(Random random, DateTimeOffset at)
    {
        var name = Names[random.Next(Names.Length)];
        var page = Skewed(random, 1_000);
        var email = name == "open";
        return new EventRow
        {
            EventTime = at,
            ReceivedTime = at,
            EventId = $"e{random.NextInt64():x}",
            PixelId = $"px-{Skewed(random, 5)}",
            EventName = new string(name.AsSpan()),
            PageHost = $"shop{page % 3}.example",
            PagePath = $"/products/{page}",
            ReferrerHost = random.Next(3) == 0 ? null : $"ref{Skewed(random, 50)}.example",
            ReferrerMedium = Media[random.Next(Media.Length)],
            VisitorId = $"v-{random.Next(100_000):x8}",
            Country = new string(Countries[Skewed(random, Countries.Length) - 1].AsSpan()),
            UaBrowser = Browsers[random.Next(Browsers.Length)],
            UaOs = Systems[random.Next(Systems.Length)],
            UaDevice = Devices[random.Next(Devices.Length)],
            Channel = email ? "email" : "web",
            IsMachineOpen = email && random.Next(3) == 0,
            IsBot = random.Next(100) == 0,
            Value = name == "purchase" ? Math.Round(random.NextDouble() * 200, 2) : null,
            Currency = name == "purchase" ? "EUR" : null,
        };
    }

    private static EventRow Junk(Random random, DateTimeOffset at, int i) => new()
    {
        EventTime = at,
        ReceivedTime = at,
        EventId = $"j{i}",
        PixelId = $"junk-{i % 900}",
        EventName = $"event-{i}",
        Country = $"C{i}",
        PageHost = $"h{i}.example",
        PagePath = $"/{random.NextInt64():x}",
        ReferrerHost = $"r{i}.example",
        VisitorId = $"jv{i}",
    };

    // 1..n, small values far more often (roughly 1/k).
    private static int Skewed(Random random, int n) => (int)Math.Min(n, Math.Floor(Math.Exp(random.NextDouble() * Math.Log(n + 1))));
}
