using Gateway.Processing.Enrichment;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Enrichment;

public sealed class EventIdDeduplicatorTests
{
    [Fact]
    public void A_repeat_inside_the_window_is_dropped_and_counted()
    {
        var dedup = new EventIdDeduplicator(new FakeTimeProvider());

        Assert.True(dedup.TryAdd("a"));
        Assert.False(dedup.TryAdd("a"));
        Assert.True(dedup.TryAdd("b"));
        Assert.Equal(1, dedup.DuplicatesDropped);
    }

    [Fact]
    public void An_id_is_forgotten_once_the_window_from_its_first_sighting_has_passed()
    {
        var clock = new FakeTimeProvider();
        var dedup = new EventIdDeduplicator(clock, TimeSpan.FromMinutes(10));
        dedup.TryAdd("a");

        clock.Advance(TimeSpan.FromMinutes(9));
        // A repeat does not extend the window...
        Assert.False(dedup.TryAdd("a"));
        clock.Advance(TimeSpan.FromMinutes(1));
        // ...so at exactly 10 minutes after the first sighting the id is new again.
        Assert.True(dedup.TryAdd("a"));
        Assert.Equal(1, dedup.Count);
    }

    [Fact]
    public void Contains_looks_without_remembering_or_counting_and_follows_the_window()
    {
        var clock = new FakeTimeProvider();
        var dedup = new EventIdDeduplicator(clock, TimeSpan.FromMinutes(10));

        Assert.False(dedup.Contains("a"));
        Assert.True(dedup.TryAdd("a"));
        Assert.True(dedup.Contains("a"));
        Assert.Equal(0, dedup.DuplicatesDropped);
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.False(dedup.Contains("a"));
        Assert.True(dedup.TryAdd("a"));
    }

    [Fact]
    public void Expired_ids_are_released_so_memory_follows_the_window()
    {
        var clock = new FakeTimeProvider();
        var dedup = new EventIdDeduplicator(clock, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100; i++)
        {
            dedup.TryAdd($"id{i}");
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        dedup.TryAdd("fresh");

        Assert.Equal(1, dedup.Count);
        Assert.Equal(0, dedup.EvictedEarly);
    }

    [Fact]
    public void At_capacity_the_oldest_id_is_forgotten_early_and_counted()
    {
        var dedup = new EventIdDeduplicator(new FakeTimeProvider(), capacity: 3);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            Assert.True(dedup.TryAdd(id));
        }

        Assert.Equal(3, dedup.Count);
        Assert.Equal(1, dedup.EvictedEarly);
        // "a" was evicted, so its late duplicate passes; "d" is still remembered.
        Assert.True(dedup.TryAdd("a"));
        Assert.False(dedup.TryAdd("d"));
    }

    [Fact]
    public void A_reseen_id_after_expiry_is_not_removed_by_its_stale_queue_entry()
    {
        var clock = new FakeTimeProvider();
        var dedup = new EventIdDeduplicator(clock, TimeSpan.FromMinutes(10), capacity: 2);
        dedup.TryAdd("a");
        clock.Advance(TimeSpan.FromMinutes(10));
        dedup.TryAdd("a");
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.False(dedup.TryAdd("a"));
    }

    [Fact]
    public void Concurrent_adds_of_the_same_ids_let_exactly_one_of_each_through()
    {
        var dedup = new EventIdDeduplicator(new FakeTimeProvider());
        var passed = 0;

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 1000; i++)
            {
                if (dedup.TryAdd($"id{i}"))
                {
                    Interlocked.Increment(ref passed);
                }
            }
        });

        Assert.Equal(1000, passed);
        Assert.Equal(7000, dedup.DuplicatesDropped);
    }
}
