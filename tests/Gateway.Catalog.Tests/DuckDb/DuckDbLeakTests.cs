using System.Globalization;
using Gateway.Catalog.DuckDb;
using Xunit.Abstractions;

namespace Gateway.Catalog.Tests.DuckDb;

/// <summary>Runs alone: resident memory is per process, so tests running in parallel would blur the measurement.</summary>
[CollectionDefinition(nameof(ResidentMemory), DisableParallelization = true)]
public sealed class ResidentMemory;

[Collection(nameof(ResidentMemory))]
public sealed class DuckDbLeakTests(ITestOutputHelper output)
{
    /// <summary>
    /// Each query's result holds a fetched chunk with two vectors sized for 2048 rows (≈ 48 KiB) plus DuckDB's
    /// materialized copy, so leaking results (or their chunks) would add hundreds of MiB over 10 000 queries, and a
    /// leak of 4 KiB per query ~40 MiB. What does grow without a leak is one-off: tier-1 JIT code and allocator
    /// arenas, measured at 5–8 MiB for the first 10 000 queries and under 0.5 MiB for each 10 000 after that.
    /// </summary>
    private const long GrowthLimitBytes = 16L << 20;

    [Fact]
    public void Ten_thousand_queries_keep_resident_memory_flat()
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();

        Run(connection, 1_000);
        var warm = ResidentBytes();
        Run(connection, 10_000);
        var after = ResidentBytes();

        output.WriteLine($"VmRSS after 1000 warm-up queries: {warm >> 10} KiB; after 10000 more: {after >> 10} KiB; growth {(after - warm) >> 10} KiB");
        Assert.True(after - warm < GrowthLimitBytes, $"RSS grew by {(after - warm) >> 10} KiB over 10000 queries");
    }

    private static void Run(DuckDbConnection connection, int queries)
    {
        for (var i = 0; i < queries; i++)
        {
            using var result = connection.Query(
                $"SELECT 'a string too long to be stored inline, query {i}, row ' || x AS s, x FROM range(4) t(x)");
            for (long r = 0; r < result.RowCount; r++)
            {
                Assert.EndsWith($"query {i}, row {r}", result.GetString(0, r), StringComparison.Ordinal);
            }
        }
    }

    private static long ResidentBytes()
    {
        // Aggressive: the GC also gives back the memory it keeps committed for its growing gen0 budget (observed
        // ~18 MiB over these queries), which says nothing about native leaks and would otherwise dominate the growth.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return kib << 10;
    }
}
