using Gateway.Dashboards.Sketches;

namespace Gateway.Dashboards.Tests.Sketches;

public sealed class SpaceSavingTests
{
    [Fact]
    public void Counts_are_exact_while_the_distinct_items_fit()
    {
        var stream = new List<(string, long)>();
        for (var i = 0; i < 40; i++)
        {
            // Weights 1..7, so several items tie.
            stream.AddRange(Enumerable.Repeat(($"https://site-{i}.example/", 1L), 1 + (i % 7)));
        }

        var shuffled = stream.ToArray();
        new Random(5).Shuffle(shuffled);
        var sketch = new SpaceSaving(40);
        foreach (var (item, weight) in shuffled)
        {
            sketch.Add(item, weight);
        }

        SketchData.AssertGuarantees(sketch, SketchData.ExactCounts(stream));
        Assert.All(sketch.Top(40), e => Assert.Equal(0, e.Error));
    }

    [Fact]
    public void Top_sorts_by_count_then_by_item_in_ordinal_order()
    {
        var sketch = new SpaceSaving(10);
        sketch.Add("b", 2);
        sketch.Add("a", 2);
        sketch.Add("B", 2);
        sketch.Add("z", 5);
        sketch.Add("c");

        Assert.Equal(["z", "B", "a", "b", "c"], sketch.Top(10).Select(e => e.Item));
        Assert.Equal(["z", "B"], sketch.Top(2).Select(e => e.Item));
        Assert.Empty(sketch.Top(0));
    }

    [Fact]
    public void A_new_item_takes_over_the_smallest_counter_and_inherits_its_count_as_error()
    {
        var sketch = new SpaceSaving(2);
        sketch.Add("a");
        sketch.Add("b");
        sketch.Add("a");
        // Both counters full; "b" (count 1) is the smallest.
        sketch.Add("c", 3);

        Assert.Equal([new SpaceSavingEntry("c", 4, 1), new SpaceSavingEntry("a", 2, 0)], sketch.Top(2));
        Assert.Equal(6, sketch.TotalCount);
        Assert.Equal(3, sketch.Top(1)[0].GuaranteedCount);
    }

    [Fact]
    public void Among_equal_smallest_counts_the_item_last_in_ordinal_order_is_replaced()
    {
        var sketch = new SpaceSaving(3);
        sketch.Add("b");
        sketch.Add("c");
        sketch.Add("a");
        sketch.Add("d");

        Assert.Equal([new SpaceSavingEntry("d", 2, 1), new SpaceSavingEntry("a", 1, 0), new SpaceSavingEntry("b", 1, 0)], sketch.Top(3));
    }

    [Theory]
    // 200 000 page views over 10 000 pages, 100 counters.
    [InlineData(1.1, 100, 1)]
    // A flatter distribution: fewer items clear N/k.
    [InlineData(0.8, 100, 2)]
    // A steep one with few counters.
    [InlineData(1.5, 20, 3)]
    public void A_zipf_stream_keeps_every_heavy_hitter_within_the_error_bounds(double exponent, int capacity, int seed)
    {
        var stream = SketchData.Zipf(200_000, 10_000, exponent, seed);
        var sketch = new SpaceSaving(capacity);
        foreach (var page in stream)
        {
            sketch.Add(page);
        }

        var exact = SketchData.ExactCounts(stream.Select(p => (p, 1L)));
        SketchData.AssertGuarantees(sketch, exact);
        // The test would prove little if nothing cleared the threshold.
        Assert.Contains(exact.Values, count => count * capacity > stream.Length);
        // The head of the distribution comes out in the true order.
        var trueTop = exact.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(5).Select(p => p.Key);
        Assert.Equal(trueTop, sketch.Top(5).Select(e => e.Item));
    }

    [Fact]
    public void Sixty_minute_sketches_merge_into_an_hour_that_keeps_the_guarantees()
    {
        // Each minute has its own Zipf sample; the hour must be as good as one sketch over all of them.
        var hour = new SpaceSaving(50);
        var all = new List<string>();
        for (var minute = 0; minute < 60; minute++)
        {
            var stream = SketchData.Zipf(2_000, 5_000, 1.0, seed: 100 + minute);
            var sketch = new SpaceSaving(50);
            foreach (var page in stream)
            {
                sketch.Add(page);
            }

            all.AddRange(stream);
            hour.Merge(SpaceSaving.FromBytes(sketch.ToBytes()));
        }

        var exact = SketchData.ExactCounts(all.Select(p => (p, 1L)));
        SketchData.AssertGuarantees(hour, exact);
        Assert.Contains(exact.Values, count => count * 50 > all.Count);
    }

    [Fact]
    public void Merging_sketches_that_never_filled_is_exact()
    {
        var left = new SpaceSaving(10);
        var right = new SpaceSaving(10);
        left.Add("a", 3);
        left.Add("b");
        right.Add("b", 2);
        right.Add("c", 7);

        left.Merge(right);

        Assert.Equal([new SpaceSavingEntry("c", 7, 0), new SpaceSavingEntry("a", 3, 0), new SpaceSavingEntry("b", 3, 0)], left.Top(10));
        Assert.Equal(13, left.TotalCount);
    }

    [Fact]
    public void Merge_stands_in_the_other_sketch_s_smallest_count_for_items_it_does_not_monitor()
    {
        var left = new SpaceSaving(2);
        var right = new SpaceSaving(2);
        // Left: x 5, y 2 (full, smallest 2). Right: y 4, z 3 (full, smallest 3).
        left.Add("x", 5);
        left.Add("y", 2);
        right.Add("y", 4);
        right.Add("z", 3);

        left.Merge(right);

        // x: 5 + 3 (right's smallest), error 3; y: 2 + 4, exact; z: 3 + 2 (left's smallest) would be 5, not kept.
        Assert.Equal([new SpaceSavingEntry("x", 8, 3), new SpaceSavingEntry("y", 6, 0)], left.Top(2));
        Assert.Equal(14, left.TotalCount);
    }

    [Fact]
    public void Merge_rejects_a_sketch_of_another_capacity()
    {
        var thrown = Assert.Throws<ArgumentException>(() => new SpaceSaving(10).Merge(new SpaceSaving(20)));

        Assert.Contains("capacity 20", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_items_are_cut_to_256_chars_and_count_together()
    {
        var sketch = new SpaceSaving(10);
        var prefix = "/search?q=" + new string('x', 300);
        sketch.Add(prefix + "first");
        sketch.Add(prefix + "second");

        var entry = Assert.Single(sketch.Top(10));
        Assert.Equal(prefix[..SpaceSaving.MaxItemLength], entry.Item);
        Assert.Equal(2, entry.Count);
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var sketch = new SpaceSaving(10);
        // The emoji's high surrogate is char 256, so a plain cut would keep half of it.
        var item = new string('a', SpaceSaving.MaxItemLength - 1) + "😀" + "tail";
        sketch.Add(item);

        var entry = Assert.Single(sketch.Top(10));
        Assert.Equal(new string('a', SpaceSaving.MaxItemLength - 1), entry.Item);
    }

    [Fact]
    public void An_item_of_exactly_256_chars_is_kept_whole()
    {
        var sketch = new SpaceSaving(10);
        var item = new string('a', SpaceSaving.MaxItemLength - 2) + "😀";
        sketch.Add(item);

        Assert.Equal(item, Assert.Single(sketch.Top(10)).Item);
    }

    [Fact]
    public void Lone_surrogates_become_replacement_characters_so_the_sketch_serializes()
    {
        var sketch = new SpaceSaving(10);
        sketch.Add("/p\uD800");
        sketch.Add("/p\uDC00");
        sketch.Add("/ok😀");

        Assert.Equal([new SpaceSavingEntry("/p\uFFFD", 2, 0), new SpaceSavingEntry("/ok😀", 1, 0)], sketch.Top(10));
        Assert.Equal(sketch.Top(10), SpaceSaving.FromBytes(sketch.ToBytes()).Top(10));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Counts_below_one_are_rejected(long count) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpaceSaving(10).Add("a", count));

    [Theory]
    [InlineData(0)]
    [InlineData(SpaceSaving.MaxCapacity + 1)]
    public void Capacities_outside_1_to_the_maximum_are_rejected(int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpaceSaving(capacity));

    [Fact]
    public void A_total_past_the_largest_count_is_an_overflow_not_a_wrap()
    {
        var sketch = new SpaceSaving(10);
        sketch.Add("a", long.MaxValue - 1);

        Assert.Throws<OverflowException>(() => sketch.Add("b", 2));
        Assert.Equal(long.MaxValue - 1, sketch.TotalCount);
        Assert.Single(sketch.Top(10));
    }
}
