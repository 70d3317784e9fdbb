using Gateway.Dashboards.Rollups;
using Gateway.Processing.Enrichment;
using Gateway.Tests.Shared;

namespace Gateway.Dashboards.Tests.Rollups;

/// <summary>Top pages and referrer hosts per bucket (space-saving sketches).</summary>
public sealed class RollupTopTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Ten.AddHours(1));

    [Fact]
    public void Pages_are_host_and_path_without_query_and_events_without_a_host_are_not_pages()
    {
        var store = new RollupStore(time: _time);
        store.Add(Row(Ten, "shop.example", "/landing"));
        store.Add(Row(Ten, "shop.example", "/landing?utm_source=x"));
        store.Add(Row(Ten, "shop.example", "/landing#top"));
        store.Add(Row(Ten, "shop.example", null));
        store.Add(Row(Ten, "blog.example", "/a"));
        store.Add(Row(Ten, null, "/orphan"));
        store.Add(Row(Ten, "", "/orphan"));

        var total = store.Total("px1", Ten, Ten.AddHours(1), RollupStep.Hour);

        Assert.Equal(7, total.Events);
        Assert.Equal(
            [KeyValuePair.Create("shop.example/landing", 3L), KeyValuePair.Create("blog.example/a", 1L), KeyValuePair.Create("shop.example/", 1L)],
            total.TopPages(10));
        Assert.Equal([KeyValuePair.Create("shop.example/landing", 3L)], total.TopPages(1));
        Assert.Empty(total.TopPages(0));
    }

    [Fact]
    public void A_referrer_that_becomes_frequent_after_a_burst_of_junk_still_tops_the_list()
    {
        // A bounded tally kept the first 128 hosts forever: the real referrer ended up under "(other)".
        var store = new RollupStore(time: _time);
        for (var i = 0; i < 500; i++)
        {
            store.Add(Row(Ten, "shop.example", "/", e => e.ReferrerHost = $"junk-{i}.example"));
        }

        for (var i = 0; i < 300; i++)
        {
            store.Add(Row(Ten.AddMinutes(1), "shop.example", "/", e => e.ReferrerHost = "news.example"));
        }

        var hour = store.Total("px1", Ten, Ten.AddHours(1), RollupStep.Hour);
        var top = hour.TopReferrers(3);

        Assert.Equal("news.example", top[0].Key);
        // Never under the truth, and over it by at most N/64 = 800/64.
        Assert.InRange(top[0].Value, 300, 300 + (800 / 64));
        Assert.Equal(KeyValuePair.Create("news.example", 300L), store.Total("px1", Ten.AddMinutes(1), Ten.AddMinutes(2), RollupStep.Minute).TopReferrers(1)[0]);
    }

    [Fact]
    public void Events_without_a_referrer_are_unknown_and_ties_are_broken_by_value()
    {
        var store = new RollupStore(time: _time);
        store.Add(Row(Ten, "a.example", "/", e => e.ReferrerHost = "b.example"));
        store.Add(Row(Ten, "a.example", "/", e => e.ReferrerHost = "a.example"));
        store.Add(Row(Ten, "a.example", "/"));
        store.Add(Row(Ten, "a.example", "/", e => e.ReferrerHost = ""));

        Assert.Equal(
            [KeyValuePair.Create(Tally.Unknown, 2L), KeyValuePair.Create("a.example", 1L), KeyValuePair.Create("b.example", 1L)],
            store.Total(null, Ten, Ten.AddMinutes(1), RollupStep.Minute).TopReferrers(10));
    }

    [Fact]
    public void Top_lists_of_minutes_and_pixels_merge_into_the_range()
    {
        var store = new RollupStore(time: _time);
        for (var minute = 0; minute < 30; minute++)
        {
            store.Add(Row(Ten.AddMinutes(minute), "shop.example", "/cart", pixel: "px1"));
            store.Add(Row(Ten.AddMinutes(minute), "shop.example", "/cart", pixel: "px2"));
            store.Add(Row(Ten.AddMinutes(minute), "shop.example", $"/item/{minute}", pixel: "px2"));
        }

        var minutes = store.Total(null, Ten, Ten.AddHours(1), RollupStep.Minute);
        var hours = store.Total(null, Ten, Ten.AddHours(1), RollupStep.Hour);

        Assert.Equal(KeyValuePair.Create("shop.example/cart", 60L), minutes.TopPages(1)[0]);
        Assert.Equal(minutes.TopPages(40), hours.TopPages(40));
        Assert.Equal(31, hours.TopPages(100).Count);
        Assert.Equal(KeyValuePair.Create("shop.example/cart", 30L), store.Total("px1", Ten, Ten.AddHours(1), RollupStep.Minute).TopPages(5).Single());
    }

    [Fact]
    public void Long_pages_are_cut_to_the_sketch_item_length()
    {
        var store = new RollupStore(time: _time);
        store.Add(Row(Ten, "shop.example", "/" + new string('a', 400)));
        store.Add(Row(Ten, "shop.example", "/" + new string('a', 300) + "b"));

        var top = store.Total(null, Ten, Ten.AddMinutes(1), RollupStep.Minute).TopPages(5);

        var page = Assert.Single(top);
        Assert.Equal(256, page.Key.Length);
        Assert.Equal(2, page.Value);
    }

    private static EventRow Row(DateTimeOffset at, string? host, string? path, Action<EventRow>? change = null, string pixel = "px1")
    {
        var row = new EventRow { PixelId = pixel, EventTime = at, ReceivedTime = at, EventId = Guid.NewGuid().ToString("N"), VisitorId = "v", PageHost = host, PagePath = path };
        change?.Invoke(row);
        return row;
    }
}
