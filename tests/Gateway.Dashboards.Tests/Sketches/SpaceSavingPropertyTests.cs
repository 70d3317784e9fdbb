using FsCheck;
using FsCheck.Fluent;
using Gateway.Dashboards.Sketches;

namespace Gateway.Dashboards.Tests.Sketches;

public sealed class SpaceSavingPropertyTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(300);

    /// <summary>Skewed items over alphabets of a few to a few hundred, so small sketches both fill and evict.</summary>
    private static Gen<string> Item =>
        Gen.Frequency(
            (5, Gen.Choose(0, 3)),
            (3, Gen.Choose(0, 20)),
            (2, Gen.Choose(0, 300)))
        .Select(i => $"/p/{i}");

    /// <summary>Mostly single hits, some weighted adds.</summary>
    private static Gen<long> Weight =>
        Gen.Frequency(
            (8, Gen.Constant(1L)),
            (2, Gen.Choose(1, 50).Select(w => (long)w)));

    private static Gen<(string Item, long Weight)[]> Stream =>
        from length in Gen.Choose(0, 400)
        from adds in Gen.ArrayOf(Gen.Zip(Item, Weight), length)
        select adds;

    [Fact]
    public void Any_stream_keeps_every_guarantee()
    {
        var cases = from capacity in Gen.Choose(1, 12)
                    from stream in Stream
                    select (capacity, stream);

        Check.One(Cases, Prop.ForAll(Arb.From(cases), c =>
        {
            var sketch = Fill(new SpaceSaving(c.capacity), c.stream);

            SketchData.AssertGuarantees(sketch, SketchData.ExactCounts(c.stream));
        }));
    }

    [Fact]
    public void Merged_sketches_keep_every_guarantee_for_the_combined_stream()
    {
        // Two to eight partial streams (minutes, or Lambda instances), folded left to right.
        var cases = from capacity in Gen.Choose(1, 12)
                    from parts in Gen.Choose(2, 8)
                    from streams in Gen.ArrayOf(Stream, parts)
                    select (capacity, streams);

        Check.One(Cases, Prop.ForAll(Arb.From(cases), c =>
        {
            var merged = new SpaceSaving(c.capacity);
            foreach (var stream in c.streams)
            {
                merged.Merge(Fill(new SpaceSaving(c.capacity), stream));
            }

            SketchData.AssertGuarantees(merged, SketchData.ExactCounts(c.streams.SelectMany(s => s)));
        }));
    }

    [Fact]
    public void A_merged_sketch_goes_on_keeping_the_guarantees_as_items_arrive()
    {
        var cases = from capacity in Gen.Choose(1, 12)
                    from first in Stream
                    from second in Stream
                    from after in Stream
                    select (capacity, first, second, after);

        Check.One(Cases, Prop.ForAll(Arb.From(cases), c =>
        {
            var sketch = Fill(new SpaceSaving(c.capacity), c.first);
            sketch.Merge(Fill(new SpaceSaving(c.capacity), c.second));
            Fill(sketch, c.after);

            SketchData.AssertGuarantees(sketch, SketchData.ExactCounts(c.first.Concat(c.second).Concat(c.after)));
        }));
    }

    [Fact]
    public void A_sketch_read_back_from_bytes_goes_on_exactly_like_the_original()
    {
        var cases = from capacity in Gen.Choose(1, 12)
                    from before in Stream
                    from after in Stream
                    select (capacity, before, after);

        Check.One(Cases, Prop.ForAll(Arb.From(cases), c =>
        {
            var original = Fill(new SpaceSaving(c.capacity), c.before);
            var read = SpaceSaving.FromBytes(original.ToBytes());
            Fill(original, c.after);
            Fill(read, c.after);

            Assert.Equal(original.ToBytes(), read.ToBytes());
        }));
    }

    private static SpaceSaving Fill(SpaceSaving sketch, IEnumerable<(string Item, long Weight)> stream)
    {
        foreach (var (item, weight) in stream)
        {
            sketch.Add(item, weight);
        }

        return sketch;
    }
}
