using Gateway.Dashboards.Sketches;

namespace Gateway.Dashboards.Tests.Sketches;

/// <summary>What the rollup store needs of a space-saving sketch beyond counting: small when quiet, adds without allocating, and a fixed size when it must not grow.</summary>
public sealed class SpaceSavingMemoryTests
{
    [Fact]
    public void A_quiet_sketch_is_small_and_a_full_one_is_bounded_by_its_capacity()
    {
        var quiet = new SpaceSaving(64);
        quiet.Add("news.example");
        var full = new SpaceSaving(64);
        foreach (var page in SketchData.Zipf(20_000, 5_000, 1.0, seed: 3))
        {
            full.Add(page);
        }

        Assert.InRange(quiet.ApproximateBytes, 1, 1_024);
        // 64 counters of about 32 bytes, a dictionary of under 3 × 64 slots and 64 short strings.
        Assert.InRange(full.ApproximateBytes, 64 * 32, 64 * (32 + (3 * 28) + 64) + 1_024);
    }

    [Fact]
    public void Adding_a_span_counts_like_adding_the_string()
    {
        var fromSpan = new SpaceSaving(3);
        var fromString = new SpaceSaving(3);
        string[] items = ["a", "b", "a", "c", "d", "a", "e", "e", new string('x', 300), new string('x', 257)];
        foreach (var item in items)
        {
            fromSpan.Add(item.AsSpan());
            fromString.Add(item);
        }

        Assert.Equal(fromString.ToBytes(), fromSpan.ToBytes());
        Assert.Equal(fromString.ApproximateBytes, fromSpan.ApproximateBytes);
    }

    [Fact]
    public void Try_increment_counts_only_monitored_items_and_takes_no_memory()
    {
        var sketch = new SpaceSaving(4);
        sketch.Add("a", 3);
        sketch.Add("b");
        var bytes = sketch.ApproximateBytes;

        Assert.True(sketch.TryIncrement("b", 5));
        Assert.False(sketch.TryIncrement("c"));

        Assert.Equal(bytes, sketch.ApproximateBytes);
        Assert.Equal([new SpaceSavingEntry("b", 6, 0), new SpaceSavingEntry("a", 3, 0)], sketch.Top(4));
        Assert.Equal(9, sketch.TotalCount);
    }

    [Fact]
    public void A_clone_goes_on_alone()
    {
        var sketch = new SpaceSaving(2);
        sketch.Add("a", 2);
        sketch.Add("b");
        var clone = sketch.Clone();
        clone.Add("c", 5);

        Assert.Equal([new SpaceSavingEntry("a", 2, 0), new SpaceSavingEntry("b", 1, 0)], sketch.Top(2));
        Assert.Equal([new SpaceSavingEntry("c", 6, 1), new SpaceSavingEntry("a", 2, 0)], clone.Top(2));
        Assert.Equal(sketch.ToBytes(), SpaceSaving.FromBytes(sketch.ToBytes()).ToBytes());
    }
}
