using FsCheck;
using FsCheck.Fluent;
using Gateway.Dashboards.Sketches;

namespace Gateway.Dashboards.Tests.Sketches;

/// <summary>The in-memory sparse form: small while few registers are set, and indistinguishable from the dense form.</summary>
public sealed class HyperLogLogSparseTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(200);

    /// <summary>Hashes that cover both ends of the rank range, and a count from empty to past the switch to dense.</summary>
    private static Gen<ulong[]> Hashes(int precision) =>
        from count in Gen.Frequency((3, Gen.Choose(0, 40)), (2, Gen.Choose(0, (1 << precision) / 2)))
        from hashes in Gen.ArrayOf(
            Gen.Frequency(
                (6, ArbMap.Default.GeneratorFor<ulong>()),
                // All rank bits zero: the largest register value.
                (1, Gen.Choose(0, (1 << precision) - 1).Select(i => (ulong)i << (64 - precision)))),
            count)
        select hashes;

    [Fact]
    public void Sparse_and_dense_sketches_of_the_same_ids_give_the_same_estimate_and_bytes()
    {
        var cases = from precision in Gen.Choose(HyperLogLog.MinPrecision, 12)
                    from hashes in Hashes(precision)
                    select (precision, hashes);

        Check.One(Cases, Prop.ForAll(Arb.From(cases), c =>
        {
            var sparse = new HyperLogLog(c.precision);
            var dense = new HyperLogLog(c.precision);
            dense.ToDense();
            foreach (var hash in c.hashes)
            {
                Assert.Equal(dense.AddHash(hash), sparse.AddHash(hash));
            }

            Assert.True(dense.Estimate() == sparse.Estimate(), $"sparse {sparse.Estimate()} against dense {dense.Estimate()}");
            Assert.Equal(dense.ToBytes(), sparse.ToBytes());
        }));
    }

    [Fact]
    public void Merging_any_mix_of_sparse_and_dense_sketches_gives_the_sketch_of_the_union()
    {
        var cases = from precision in Gen.Choose(HyperLogLog.MinPrecision, 12)
                    from a in Hashes(precision)
                    from b in Hashes(precision)
                    from forms in Gen.Choose(0, 3)
                    select (precision, a, b, forms);

        Check.One(Cases, Prop.ForAll(Arb.From(cases), c =>
        {
            var union = new HyperLogLog(c.precision);
            union.ToDense();
            var left = Sketch(c.precision, c.a, dense: (c.forms & 1) != 0);
            var right = Sketch(c.precision, c.b, dense: (c.forms & 2) != 0);
            foreach (var hash in c.a.Concat(c.b))
            {
                union.AddHash(hash);
            }

            left.Merge(right);

            Assert.Equal(union.ToBytes(), left.ToBytes());
            Assert.True(union.Estimate() == left.Estimate());
            // The result keeps counting like the union.
            foreach (var hash in c.b.Reverse().Select(h => ~h))
            {
                Assert.Equal(union.AddHash(hash), left.AddHash(hash));
            }

            Assert.Equal(union.ToBytes(), left.ToBytes());
        }));
    }

    [Fact]
    public void A_sketch_stays_sparse_until_the_dense_array_is_smaller_then_turns_dense()
    {
        // Precision 12: 4 096 registers, so the sparse array may hold 1 024 four-byte entries.
        var sketch = new HyperLogLog(12);
        for (var register = 0UL; register < 1_024; register++)
        {
            sketch.AddHash(Hash12(register));
        }

        Assert.True(sketch.IsSparse);
        Assert.Equal(48 + 24 + (4 * 1_024), sketch.ApproximateBytes);
        // A register already set changes nothing.
        Assert.False(sketch.AddHash(Hash12(7)));
        Assert.True(sketch.IsSparse);

        // A new register needs a 1 025th entry: the dense form is now the smaller one.
        Assert.True(sketch.AddHash(Hash12(1_024)));

        Assert.False(sketch.IsSparse);
        Assert.Equal(48 + 24 + 4_096, sketch.ApproximateBytes);

        // Register r with value 1: the index in the top 12 bits, then a 1.
        static ulong Hash12(ulong register) => (register << 52) | (1UL << 51);
    }

    [Fact]
    public void Three_visitors_cost_bytes_not_kilobytes()
    {
        var sketch = new HyperLogLog(14);
        sketch.Add("a");
        sketch.Add("b");
        sketch.Add("c");

        Assert.True(sketch.IsSparse);
        Assert.InRange(sketch.ApproximateBytes, 1, 128);
        Assert.Equal(3, Math.Round(sketch.Estimate()));
    }

    [Fact]
    public void Without_room_to_grow_a_sparse_sketch_leaves_out_new_registers_but_raises_existing_ones()
    {
        var sketch = new HyperLogLog(10);
        // Four registers fill the first sparse array exactly.
        for (var register = 0UL; register < 4; register++)
        {
            sketch.AddHash((register << 54) | (1UL << 53));
        }

        var bytes = sketch.ApproximateBytes;

        Assert.False(sketch.AddHash(9UL << 54, mayGrow: false));
        // Register 2 from value 1 to value 3.
        Assert.True(sketch.AddHash((2UL << 54) | (1UL << 51), mayGrow: false));
        Assert.Equal(bytes, sketch.ApproximateBytes);
        Assert.Equal(4, Math.Round(sketch.Estimate()));
    }

    [Fact]
    public void A_sparse_sketch_reads_back_sparse_and_a_clone_goes_on_alone()
    {
        var sketch = new HyperLogLog(14);
        foreach (var id in SketchData.VisitorIds(50))
        {
            sketch.Add(id);
        }

        var bytes = sketch.ToBytes();
        var read = HyperLogLog.FromBytes(bytes);
        var clone = sketch.Clone();

        Assert.True(clone.Add("someone else"));
        Assert.True(read.IsSparse);
        Assert.Equal(sketch.ApproximateBytes, read.ApproximateBytes);
        Assert.Equal(bytes, read.ToBytes());
        Assert.Equal(bytes, sketch.ToBytes());
        Assert.True(clone.Estimate() > sketch.Estimate());
    }

    private static HyperLogLog Sketch(int precision, IEnumerable<ulong> hashes, bool dense)
    {
        var sketch = new HyperLogLog(precision);
        if (dense)
        {
            sketch.ToDense();
        }

        foreach (var hash in hashes)
        {
            sketch.AddHash(hash);
        }

        return sketch;
    }
}
