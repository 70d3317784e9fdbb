using Gateway.Processing.UserAgents;

namespace Gateway.Processing.Tests.UserAgents;

public sealed class CachingUserAgentParserTests
{
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
    private const string Safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    private const string Curl = "curl/8.4.0";

    [Fact]
    public void Repeated_user_agent_is_a_hit_returning_the_same_result()
    {
        var cache = new CachingUserAgentParser(UapFixtures.Parser);

        var first = cache.Parse(Firefox);
        var second = cache.Parse(Firefox);

        Assert.Same(first, second);
        Assert.Equal(first, UapFixtures.Parser.Parse(Firefox));
        Assert.Equal((1L, 1L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public void Least_recently_used_entry_is_evicted_first()
    {
        var cache = new CachingUserAgentParser(UapFixtures.Parser, capacity: 2);
        cache.Parse(Firefox);
        cache.Parse(Safari);
        cache.Parse(Firefox); // Firefox is now the most recent, Safari the least.

        cache.Parse(Curl);

        Assert.True(cache.Contains(Firefox));
        Assert.False(cache.Contains(Safari));
        Assert.True(cache.Contains(Curl));
        Assert.Equal(2, cache.Count);
        Assert.Equal((1L, 3L), (cache.Hits, cache.Misses));
    }

    [Fact]
    public void An_evicted_user_agent_is_parsed_again_on_its_next_lookup()
    {
        var cache = new CachingUserAgentParser(UapFixtures.Parser, capacity: 1);
        cache.Parse(Firefox);
        cache.Parse(Safari);

        var again = cache.Parse(Firefox);

        Assert.Equal("Firefox", again.Browser.Family);
        Assert.Equal((0L, 3L), (cache.Hits, cache.Misses));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Default_capacity_is_ten_thousand()
    {
        Assert.Equal(10_000, new CachingUserAgentParser(UapFixtures.Parser).Capacity);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Capacity_must_be_positive(int capacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CachingUserAgentParser(UapFixtures.Parser, capacity));
    }

    [Fact]
    public void Empty_user_agent_is_not_cached_or_counted()
    {
        var cache = new CachingUserAgentParser(UapFixtures.Parser);

        Assert.Equal("Other", cache.Parse("").Browser.Family);
        Assert.Equal((0, 0L, 0L), (cache.Count, cache.Hits, cache.Misses));
    }

    [Fact]
    public void A_hit_allocates_nothing()
    {
        var cache = new CachingUserAgentParser(UapFixtures.Parser);
        cache.Parse(Safari);
        cache.Parse(Safari);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            cache.Parse(Safari);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Concurrent_lookups_keep_counts_and_bounds_consistent()
    {
        var agents = UapFixtures.Cases("test_device.tsv", 3).Select(c => c.UserAgent).Distinct().Take(200).ToArray();
        var expected = agents.ToDictionary(a => a, a => UapFixtures.Parser.Parse(a), StringComparer.Ordinal);
        var cache = new CachingUserAgentParser(UapFixtures.Parser, capacity: 64);
        const int lookups = 20_000;

        Parallel.For(0, lookups, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            // A skewed mix: a hot head that stays cached and a tail that keeps evicting.
            var agent = agents[i % 10 == 0 ? i % agents.Length : i % 16];
            Assert.Equal(expected[agent], cache.Parse(agent));
        });

        Assert.Equal(lookups, cache.Hits + cache.Misses);
        Assert.True(cache.Count <= 64);
        Assert.True(cache.Hits > lookups / 2, $"hits {cache.Hits}");
    }
}
