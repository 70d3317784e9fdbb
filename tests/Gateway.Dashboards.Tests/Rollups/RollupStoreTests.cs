using Gateway.Dashboards.Rollups;
using Gateway.Processing.Enrichment;
using Gateway.Tests.Shared;

namespace Gateway.Dashboards.Tests.Rollups;

/// <summary>Per-pixel minute and hour counters: what each dimension counts, the two resolutions, retention and bounds.</summary>
public sealed class RollupStoreTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Ten.AddHours(1));

    [Fact]
    public void Each_dimension_counts_the_events_of_a_known_mix()
    {
        var store = new RollupStore(time: _time);
        store.Add(Row("px1", Ten, e => (e.EventName, e.Country, e.UaBrowser, e.ReferrerHost, e.ReferrerMedium) = ("pageview", "DE", "Chrome", "www.google.com", "search")));
        store.Add(Row("px1", Ten, e => (e.EventName, e.Value, e.Currency) = ("purchase", 19.99, "EUR")));
        store.Add(Row("px1", Ten, e => (e.EventName, e.Value, e.Currency) = ("purchase", 0.01, "EUR")));
        store.Add(Row("px1", Ten, e => (e.EventName, e.IsBot, e.Value, e.Currency) = ("purchase", true, 500.0, "EUR")));
        store.Add(Row("px1", Ten, e => (e.Channel, e.EventName) = ("email", "open")));
        store.Add(Row("px1", Ten, e => (e.Channel, e.EventName, e.IsMachineOpen) = ("email", "open", true)));

        var total = store.Total("px1", Ten, Ten.AddHours(1), RollupStep.Minute);

        Assert.Equal(6, total.Events);
        Assert.Equal(1, total.Bots);
        Assert.Equal((1L, 1L), (total.HumanOpens, total.MachineOpens));
        // The bot's purchase is not a conversion, and its value is not summed.
        Assert.Equal(2, total.Conversions);
        Assert.Equal(2000, total.ValueByCurrency.Counts["EUR"]);
        Assert.Equal(3, total.EventNames.Counts["purchase"]);
        Assert.Equal(2, total.EventNames.Counts["open"]);
        Assert.Equal(1, total.Countries.Counts["DE"]);
        Assert.Equal(5, total.Countries.Counts[Tally.Unknown]);
        Assert.Equal(1, total.ReferrerMedia.Counts["search"]);
        Assert.Equal(2, total.Channels.Counts["email"]);
        Assert.Equal([KeyValuePair.Create(Tally.Unknown, 5L), KeyValuePair.Create("www.google.com", 1L)], total.TopReferrers(5));
    }

    [Fact]
    public void Minutes_and_hours_are_separate_resolutions_of_the_same_events()
    {
        var store = new RollupStore(time: _time);
        store.Add(Row("px1", Ten.AddSeconds(30)));
        store.Add(Row("px1", Ten.AddSeconds(50)));
        store.Add(Row("px1", Ten.AddSeconds(70)));
        store.Add(Row("px2", Ten.AddMinutes(59)));

        var minutes = store.Series("px1", Ten, Ten.AddHours(1), RollupStep.Minute);
        var hours = store.Series(null, Ten, Ten.AddHours(1), RollupStep.Hour);

        Assert.Equal([(Ten, 2L), (Ten.AddMinutes(1), 1L)], minutes.Select(p => (p.Time, p.Bucket.Events)));
        Assert.Equal([(Ten, 4L)], hours.Select(p => (p.Time, p.Bucket.Events)));
        Assert.Equal(1, store.Total("px2", Ten, Ten.AddHours(1), RollupStep.Minute).Events);
        Assert.Equal(["px1", "px2"], store.Pixels);
    }

    [Fact]
    public void Minutes_leave_after_48_hours_hours_after_30_days_and_older_or_future_events_are_refused()
    {
        var store = new RollupStore(time: _time);
        store.Add(Row("px1", Ten));

        _time.Advance(TimeSpan.FromHours(48));
        store.Add(Row("px1", _time.GetUtcNow()));

        Assert.Empty(store.Series("px1", Ten, Ten.AddHours(1), RollupStep.Minute));
        Assert.Single(store.Series("px1", Ten, Ten.AddHours(1), RollupStep.Hour));

        _time.Advance(TimeSpan.FromDays(29));
        store.Add(Row("px1", _time.GetUtcNow()));

        Assert.Empty(store.Series("px1", Ten, Ten.AddHours(1), RollupStep.Hour));
        Assert.False(store.Add(Row("px1", _time.GetUtcNow().AddDays(-31))));
        Assert.False(store.Add(Row("px1", _time.GetUtcNow().AddMinutes(6))));
        Assert.True(store.Add(Row("px1", _time.GetUtcNow().AddMinutes(4))));
        Assert.Equal(2, store.Refused);
    }

    [Fact]
    public void A_bucket_stays_until_its_whole_span_is_past_the_retention_and_old_events_count_only_by_the_hour()
    {
        var time = new FakeTimeProvider(Ten);
        var store = new RollupStore(time: time);
        store.Add(Row("px1", Ten));

        time.Advance(TimeSpan.FromHours(48) + TimeSpan.FromSeconds(30));
        store.Add(Row("px1", time.GetUtcNow()));
        var kept = store.Series("px1", Ten, Ten.AddMinutes(1), RollupStep.Minute);
        time.Advance(TimeSpan.FromSeconds(30));
        store.Add(Row("px1", time.GetUtcNow()));

        Assert.Single(kept);
        Assert.Empty(store.Series("px1", Ten, Ten.AddMinutes(1), RollupStep.Minute));

        // Three days old: within the hours' retention, past the minutes'.
        var old = time.GetUtcNow().AddDays(-3);
        Assert.True(store.Add(Row("px1", old)));
        Assert.Empty(store.Series("px1", old.AddMinutes(-1), old.AddMinutes(1), RollupStep.Minute));
        Assert.Equal(1, store.Total("px1", old.AddHours(-1), old.AddHours(1), RollupStep.Hour).Events);
    }

    [Fact]
    public void Made_up_values_and_pixel_ids_are_bounded_under_other()
    {
        var store = new RollupStore(new RollupOptions { MaxPixels = 2, Limits = new RollupLimits { Countries = 3 } }, _time);
        for (var i = 0; i < 10; i++)
        {
            store.Add(Row($"px{i}", Ten, e => e.Country = $"C{i}"));
        }

        var total = store.Total(null, Ten, Ten.AddHours(1), RollupStep.Minute);

        Assert.Equal(["(other)", "px0", "px1"], store.Pixels);
        Assert.Equal(10, total.Events);
        Assert.Equal(4, total.Countries.Counts.Count);
        Assert.Equal(7, total.Countries.Counts[Tally.Other]);
        Assert.Equal(8, store.Total(RollupOptions.OtherPixel, Ten, Ten.AddHours(1), RollupStep.Hour).Events);
    }

    [Fact]
    public void A_series_is_a_copy_that_later_events_do_not_change()
    {
        var store = new RollupStore(time: _time);
        store.Add(Row("px1", Ten));
        var before = store.Series("px1", Ten, Ten.AddHours(1), RollupStep.Minute);

        store.Add(Row("px1", Ten));

        Assert.Equal(1, before.Single().Bucket.Events);
        Assert.Equal(2, store.Series("px1", Ten, Ten.AddHours(1), RollupStep.Minute).Single().Bucket.Events);
    }

    private static EventRow Row(string pixel, DateTimeOffset at, Action<EventRow>? change = null)
    {
        var row = new EventRow { PixelId = pixel, EventTime = at, ReceivedTime = at, EventId = Guid.NewGuid().ToString("N"), VisitorId = "v" };
        change?.Invoke(row);
        return row;
    }
}
