using System.Text;
using Gateway.Dashboards.Sketches;
using Xunit.Abstractions;

namespace Gateway.Dashboards.Tests.Sketches;

public sealed class HyperLogLogTests(ITestOutputHelper output)
{
    [Theory]
    // The default: 16 384 registers, 0.81 %.
    [InlineData(14)]
    // The precisions either side, so a constant tuned to one m would show.
    [InlineData(10)]
    [InlineData(12)]
    [InlineData(16)]
    public void A_million_distinct_ids_are_estimated_within_three_standard_errors(int precision)
    {
        const int Count = 1_000_000;
        var sketch = new HyperLogLog(precision);
        foreach (var id in SketchData.VisitorIds(Count))
        {
            sketch.Add(id);
        }

        var error = (sketch.Estimate() - Count) / Count;
        output.WriteLine($"p={precision}: estimate {sketch.Estimate():F0} of {Count}, error {error:P3}, standard error {sketch.StandardError:P3} ({error / sketch.StandardError:F2} σ)");
        Assert.True(Math.Abs(error) <= 3 * sketch.StandardError, $"error {error:P3} is over three standard errors ({3 * sketch.StandardError:P3})");
    }

    [Theory]
    // Well below m: mostly empty registers, the range linear counting covers.
    [InlineData(100)]
    [InlineData(1_000)]
    // 2.5m to 5m: where the original HyperLogLog switches estimators and the raw estimate is most biased.
    [InlineData(3_000)]
    [InlineData(5_000)]
    // Far above m: the harmonic-mean regime.
    [InlineData(50_000)]
    public void Estimates_are_unbiased_and_as_accurate_as_documented_across_the_range(int count)
    {
        // 100 independent sketches of 1 024 registers (standard error 3.25 %), each over its own ids.
        const int Runs = 100;
        var errors = new double[Runs];
        var standardError = 0.0;
        for (var run = 0; run < Runs; run++)
        {
            var sketch = new HyperLogLog(10);
            foreach (var id in SketchData.VisitorIds(count, run: $"r{run}"))
            {
                sketch.Add(id);
            }

            errors[run] = (sketch.Estimate() - count) / count;
            standardError = sketch.StandardError;
        }

        var bias = errors.Average();
        var rmse = Math.Sqrt(errors.Average(e => e * e));
        output.WriteLine($"n={count}: mean error {bias:P3}, RMS error {rmse:P3}, documented {standardError:P3}");
        // The mean of 100 errors has a standard deviation of at most σ/10; four of those leave room for chance only.
        Assert.True(Math.Abs(bias) <= 4 * standardError / Math.Sqrt(Runs), $"mean error {bias:P3}: the estimator is biased at n = {count}");
        Assert.True(rmse <= 1.25 * standardError, $"RMS error {rmse:P3} is well above the documented {standardError:P3} at n = {count}");
    }

    [Theory]
    // Empty: exactly zero, not a small positive number.
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1_000)]
    public void Small_cardinalities_are_near_exact(int count)
    {
        var sketch = new HyperLogLog();
        foreach (var id in SketchData.VisitorIds(count))
        {
            sketch.Add(id);
        }

        // Linear counting's standard deviation at load t = n/m is √(m(e^t − t − 1)): 0.006 ids at n = 1, 5.6 at n = 1 000.
        var t = (double)count / sketch.RegisterCount;
        var tolerance = Math.Max(0.5, 3 * Math.Sqrt(sketch.RegisterCount * (Math.Exp(t) - t - 1)));
        var estimate = sketch.Estimate();
        output.WriteLine($"n={count}: estimate {estimate:F3}, tolerance ±{tolerance:F2}");
        Assert.InRange(estimate, count - tolerance, count + tolerance);
        if (count == 0)
        {
            Assert.Equal(0.0, estimate);
        }
    }

    [Theory]
    // Few ids, each seen three times on average.
    [InlineData(50, 1)]
    [InlineData(5_000, 2)]
    // More distinct ids than registers.
    [InlineData(200_000, 3)]
    public void Estimate_tracks_the_exact_distinct_count_of_a_stream_with_repeats(int pool, int seed)
    {
        var random = new Random(seed);
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var sketch = new HyperLogLog();
        for (var i = 0; i < 3 * pool; i++)
        {
            var id = $"visitor:{random.Next(pool)}";
            exact.Add(id);
            sketch.Add(id);
        }

        var n = exact.Count;
        var t = (double)n / sketch.RegisterCount;
        var tolerance = Math.Max(0.5, 3 * Math.Min(sketch.StandardError * n, Math.Sqrt(sketch.RegisterCount * (Math.Exp(t) - t - 1))));
        output.WriteLine($"{n} distinct of {3 * pool}: estimate {sketch.Estimate():F1}, tolerance ±{tolerance:F1}");
        Assert.InRange(sketch.Estimate(), n - tolerance, n + tolerance);
    }

    [Fact]
    public void Repeated_ids_leave_the_sketch_unchanged()
    {
        var ids = SketchData.VisitorIds(5_000).ToArray();
        var sketch = new HyperLogLog();
        foreach (var id in ids)
        {
            sketch.Add(id);
        }

        var before = sketch.ToBytes();
        var estimate = sketch.Estimate();
        foreach (var id in ids.Reverse().Concat(ids).Concat(ids))
        {
            Assert.False(sketch.Add(id), $"adding \"{id}\" again changed the sketch");
        }

        Assert.Equal(before, sketch.ToBytes());
        Assert.Equal(estimate, sketch.Estimate());
    }

    [Fact]
    public void Add_reports_a_change_for_a_new_id()
    {
        var sketch = new HyperLogLog();

        Assert.True(sketch.Add("first-visitor"));
        Assert.False(sketch.Add("first-visitor"));
    }

    [Theory]
    // ASCII.
    [InlineData("9f1c2e3a-7b4d-4e8f-a1b2-c3d4e5f60718")]
    // Non-ASCII.
    [InlineData("visiteur-é-ü-日本")]
    // Longer than the stack buffer: the pooled path.
    [InlineData("a-very-long-visitor-id-from-a-third-party-cookie-that-goes-on-and-on-and-on-well-past-ninety-characters-é")]
    public void A_string_id_and_its_utf8_bytes_are_the_same_visitor(string id)
    {
        var fromString = new HyperLogLog();
        var fromBytes = new HyperLogLog();
        fromString.Add(id);
        fromBytes.Add(Encoding.UTF8.GetBytes(id));

        Assert.Equal(fromString.ToBytes(), fromBytes.ToBytes());
        Assert.False(fromString.Add(Encoding.UTF8.GetBytes(id)));
    }

    [Fact]
    public void Merge_equals_the_sketch_of_the_union()
    {
        // Two halves of a day that share 20 000 visitors.
        var morning = new HyperLogLog();
        var evening = new HyperLogLog();
        var day = new HyperLogLog();
        foreach (var id in SketchData.VisitorIds(60_000))
        {
            morning.Add(id);
            day.Add(id);
        }

        foreach (var id in SketchData.VisitorIds(60_000, first: 40_000))
        {
            evening.Add(id);
            day.Add(id);
        }

        morning.Merge(evening);

        Assert.Equal(day.ToBytes(), morning.ToBytes());
        // Shared visitors count once: 100 000, not 120 000.
        Assert.InRange(morning.Estimate(), 100_000 * (1 - (3 * day.StandardError)), 100_000 * (1 + (3 * day.StandardError)));
    }

    [Fact]
    public void Merge_keeps_the_larger_value_of_every_register()
    {
        // 16 registers, fewer than one SIMD vector holds on most machines, so this also covers the scalar loop.
        var rising = new HyperLogLog(4);
        var falling = new HyperLogLog(4);
        var expected = new HyperLogLog(4);
        for (var register = 0; register < 16; register++)
        {
            var up = Hash(register, 1 + register);
            var down = Hash(register, 16 - register);
            rising.AddHash(up);
            falling.AddHash(down);
            expected.AddHash(up);
            expected.AddHash(down);
        }

        var merged = HyperLogLog.FromBytes(rising.ToBytes());
        merged.Merge(falling);
        falling.Merge(rising);

        Assert.Equal(expected.ToBytes(), merged.ToBytes());
        Assert.Equal(expected.ToBytes(), falling.ToBytes());

        // A precision-4 hash for a register and a register value: the index, then value − 1 zero bits and a 1.
        static ulong Hash(int register, int value) => ((ulong)register << 60) | (1UL << (60 - value));
    }

    [Fact]
    public void Sixty_minute_sketches_merge_into_the_hour()
    {
        // Each minute sees 300 visitors, 200 of them carried over from the minute before.
        var hour = new HyperLogLog();
        var merged = new HyperLogLog();
        for (var minute = 0; minute < 60; minute++)
        {
            var sketch = new HyperLogLog();
            foreach (var id in SketchData.VisitorIds(300, first: minute * 100))
            {
                sketch.Add(id);
                hour.Add(id);
            }

            // Through bytes, as the rollup store keeps minutes.
            merged.Merge(HyperLogLog.FromBytes(sketch.ToBytes()));
        }

        Assert.Equal(hour.ToBytes(), merged.ToBytes());
        Assert.InRange(merged.Estimate(), 6_200 - 150, 6_200 + 150);
    }

    [Fact]
    public void Merge_rejects_a_sketch_of_another_precision()
    {
        var sketch = new HyperLogLog(14);

        var thrown = Assert.Throws<ArgumentException>(() => sketch.Merge(new HyperLogLog(12)));
        Assert.Contains("precision 12", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 16, 0.26)]
    [InlineData(14, 16_384, 0.008125)]
    [InlineData(18, 262_144, 0.00203125)]
    public void Register_count_and_standard_error_follow_the_precision(int precision, int registers, double standardError)
    {
        var sketch = new HyperLogLog(precision);

        Assert.Equal(precision, sketch.Precision);
        Assert.Equal(registers, sketch.RegisterCount);
        Assert.Equal(standardError, sketch.StandardError, 8);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(19)]
    public void Precisions_outside_4_to_18_are_rejected(int precision) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HyperLogLog(precision));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void The_estimator_terms_match_their_series_definitions(double x)
    {
        // σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1) and τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))²·2^−k) / 3, summed term by term.
        var sigma = x;
        var tau = 1 - x;
        for (var k = 1; k < 200; k++)
        {
            sigma += Math.Pow(x, Math.Pow(2, k)) * Math.Pow(2, k - 1);
            tau -= Math.Pow(1 - Math.Pow(x, Math.Pow(2, -k)), 2) * Math.Pow(2, -k);
        }

        AssertClose(sigma, HyperLogLog.Sigma(x));
        AssertClose(tau / 3, HyperLogLog.Tau(x));
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");
}
