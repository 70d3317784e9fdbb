using System.Text;
using Gateway.Processing.Internal;

namespace Gateway.Processing.Tests;

public sealed class StringPoolTests
{
    [Fact]
    public void Equal_values_share_one_string_and_the_bound_holds()
    {
        var pool = new StringPool(capacity: 2);

        var first = pool.Get("pixel-1"u8);
        Assert.Same(first, pool.Get("pixel-1".AsSpan()));
        Assert.Same(pool.Get("pixel-2"u8), pool.Get("pixel-2"u8));
        // Full: a third value is still returned, equal but fresh each time.
        var third = pool.Get("pixel-3"u8);
        Assert.Equal("pixel-3", third);
        Assert.NotSame(third, pool.Get("pixel-3"u8));
        Assert.Equal(string.Empty, pool.Get(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Long_values_are_never_pooled()
    {
        var pool = new StringPool(capacity: 100);
        var longValue = Encoding.UTF8.GetBytes(new string('x', StringPool.MaxPooledBytes + 1));

        Assert.NotSame(pool.Get(longValue), pool.Get(longValue));
    }

    [Fact]
    public void Threads_racing_on_one_value_all_get_the_pooled_instance_afterwards()
    {
        var pool = new StringPool(capacity: 1000);
        var values = Enumerable.Range(0, 200).Select(i => Encoding.UTF8.GetBytes($"value-{i}")).ToArray();

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            Assert.Equal($"value-{i % 200}", pool.Get(values[i % 200])));

        foreach (var value in values)
        {
            Assert.Same(pool.Get(value), pool.Get(value));
        }
    }
}
