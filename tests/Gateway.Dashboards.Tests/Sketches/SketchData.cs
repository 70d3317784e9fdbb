using Gateway.Dashboards.Sketches;

namespace Gateway.Dashboards.Tests.Sketches;

/// <summary>Deterministic streams for the sketch tests, and the exact answers to check sketches against.</summary>
internal static class SketchData
{
    /// <summary>Distinct visitor ids shaped like the enricher's: <c>v-{run}-{i:x8}</c>.</summary>
    public static IEnumerable<string> VisitorIds(int count, int first = 0, string run = "a")
    {
        for (var i = first; i < first + count; i++)
        {
            yield return $"v-{run}-{i:x8}";
        }
    }

    /// <summary>
    /// <paramref name="length"/> draws from a Zipf distribution with exponent <paramref name="exponent"/> over
    /// <paramref name="distinct"/> pages (<c>/page/1</c> is the most frequent), from a fixed seed.
    /// </summary>
    public static string[] Zipf(int length, int distinct, double exponent, int seed)
    {
        var cumulative = new double[distinct];
        var sum = 0.0;
        for (var rank = 1; rank <= distinct; rank++)
        {
            sum += 1 / Math.Pow(rank, exponent);
            cumulative[rank - 1] = sum;
        }

        var random = new Random(seed);
        var stream = new string[length];
        for (var i = 0; i < length; i++)
        {
            var at = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            var rank = (at < 0 ? ~at : at) + 1;
            stream[i] = $"/page/{Math.Min(rank, distinct)}";
        }

        return stream;
    }

    /// <summary>Exact weighted counts of a stream.</summary>
    public static Dictionary<string, long> ExactCounts(IEnumerable<(string Item, long Weight)> stream)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (item, weight) in stream)
        {
            counts[item] = counts.GetValueOrDefault(item) + weight;
        }

        return counts;
    }

    /// <summary>
    /// Asserts every space-saving guarantee of <paramref name="sketch"/> against the exact counts of the stream it saw:
    /// the total, counts that never underestimate, errors that cover the overestimate and stay within N/k, every item
    /// above N/k monitored, and exact counts while the stream had at most k distinct items.
    /// </summary>
    public static void AssertGuarantees(SpaceSaving sketch, IReadOnlyDictionary<string, long> exact)
    {
        var total = exact.Values.Sum();
        var k = sketch.Capacity;
        Assert.Equal(total, sketch.TotalCount);
        var entries = sketch.Top(k);
        Assert.True(entries.Count <= k, $"{entries.Count} entries in a sketch of capacity {k}");
        Assert.True(entries.Sum(e => e.Count) <= total, "the counters add up to more than the total");
        foreach (var entry in entries)
        {
            var truth = exact.GetValueOrDefault(entry.Item);
            Assert.True(entry.Count >= truth, $"{entry} underestimates the true count {truth}");
            Assert.True(entry.GuaranteedCount <= truth, $"{entry} guarantees more than the true count {truth}");
            Assert.True(entry.Error * k <= total, $"{entry} has an error above N/k = {total}/{k}");
        }

        var monitored = entries.Select(e => e.Item).ToHashSet(StringComparer.Ordinal);
        foreach (var (item, count) in exact)
        {
            if (count * k > total)
            {
                Assert.True(monitored.Contains(item), $"\"{item}\" occurred {count} times, above N/k = {total}/{k}, but is not monitored");
            }
        }

        if (exact.Count <= k)
        {
            var expected = exact.Select(p => new SpaceSavingEntry(p.Key, p.Value, 0))
                .OrderByDescending(e => e.Count).ThenBy(e => e.Item, StringComparer.Ordinal);
            Assert.Equal(expected, entries);
        }
    }
}
