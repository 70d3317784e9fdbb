using System.Runtime.CompilerServices;
using Gateway.Dashboards.Rollups;
using Gateway.Dashboards.Tests.Rollups.Support;
using Gateway.Processing.Enrichment;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Dashboards.Tests.Rollups;

/// <summary>Whole-heap measurements must not see other tests' allocations, so these run alone.</summary>
[CollectionDefinition(nameof(HeapMeasurements), DisableParallelization = true)]
public sealed class HeapMeasurements;

/// <summary><see cref="RollupStore.ApproximateBytes"/> against what the garbage collector sees.</summary>
[Collection(nameof(HeapMeasurements))]
public sealed class RollupMemoryTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Approximate_bytes_of_a_realistic_month_are_within_a_factor_of_two_of_the_heap_growth()
    {
        // 30 days of a moderately busy site: three pixels, 100 000 returning visitors, 1 000 pages, 50 referrers.
        var mix = new RowMix(seed: 11);
        var (store, measured) = Measure(() => Fill(new RollupStore(time: new FakeTimeProvider(Start.AddDays(30))), Start, TimeSpan.FromDays(30), 600_000, mix.Next));

        AssertHonest(store, measured, "realistic month");
    }

    [Fact]
    public void Approximate_bytes_of_a_flood_of_made_up_values_are_within_a_factor_of_two_of_the_heap_growth()
    {
        // Two days of every value new and long: the case the budget is for, filled to just under it.
        var random = new Random(5);
        var (store, measured) = Measure(() => Fill(
            new RollupStore(new RollupOptions { MaxBytes = 64L * 1024 * 1024 }, new FakeTimeProvider(Start.AddDays(2))),
            Start,
            TimeSpan.FromDays(2),
            40_000,
            at => RowMix.Junk(random, at, textLength: 60, pixels: 2_000)));

        AssertHonest(store, measured, "flood");
    }

    private static RollupStore Fill(RollupStore store, DateTimeOffset from, TimeSpan span, int events, Func<DateTimeOffset, EventRow> row)
    {
        var step = span.Ticks / events;
        for (var i = 0; i < events; i++)
        {
            store.Add(row(from.AddTicks(i * step)));
        }

        return store;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (RollupStore Store, long Bytes) Measure(Func<RollupStore> build)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var store = build();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(store);
        return (store, after - before);
    }

    private void AssertHonest(RollupStore store, long measured, string what)
    {
        var estimate = store.ApproximateBytes;
        var ratio = (double)estimate / measured;
        output.WriteLine($"{what}: ApproximateBytes {estimate:N0}, heap growth {measured:N0}, ratio {ratio:F2}; {store.Degraded} degraded");
        Assert.InRange(ratio, 0.5, 2.0);
    }

}
