using Gateway.Dashboards.Rollups;
using Gateway.Processing.Enrichment;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Dashboards.Tests.Rollups;

/// <summary>Distinct visitors per bucket (HyperLogLog), and days built from hours.</summary>
public sealed class RollupVisitorTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Ten = Midnight.AddHours(10);
    private readonly FakeTimeProvider _time = new(Ten.AddHours(1));

    [Fact]
    public void A_million_distinct_visitors_are_estimated_within_three_standard_errors_in_each_tier()
    {
        const int Count = 1_000_000;
        var store = new RollupStore(time: _time);
        var row = Row("px1", Ten.AddSeconds(10), "");
        for (var i = 0; i < Count; i++)
        {
            row.VisitorId = $"v-{i:x8}";
            store.Add(row);
        }

        var minute = store.Total("px1", Ten, Ten.AddMinutes(1), RollupStep.Minute).Visitors!.Value;
        var hour = store.Total("px1", Ten, Ten.AddHours(1), RollupStep.Hour).Visitors!.Value;
        var day = store.Total(null, Midnight, Midnight.AddDays(1), RollupStep.Day).Visitors!.Value;

        output.WriteLine($"{Count} ids: minute {minute} ({(minute - Count) / (double)Count:P3}), hour {hour} ({(hour - Count) / (double)Count:P3}), day {day}");
        // Minutes: 1.04/√4 096 = 1.6 %; hours and days: 1.04/√16 384 = 0.81 %.
        AssertWithin(minute, Count, 1.04 / 64, "minute");
        AssertWithin(hour, Count, 1.04 / 128, "hour");
        Assert.Equal(hour, day);
    }

    [Fact]
    public void Visitors_of_a_day_are_the_union_of_its_hours_not_their_sum()
    {
        var time = new FakeTimeProvider(Midnight.AddDays(2));
        var store = new RollupStore(time: time);
        // 500 regulars every hour, and 10 newcomers per hour: 740 distinct visitors.
        for (var hour = 0; hour < 24; hour++)
        {
            var at = Midnight.AddHours(hour);
            for (var i = 0; i < 500; i++)
            {
                store.Add(Row("px1", at, $"regular-{i}"));
            }

            for (var i = 0; i < 10; i++)
            {
                store.Add(Row("px1", at.AddMinutes(30), $"new-{hour}-{i}"));
            }
        }

        var hours = store.Series("px1", Midnight, Midnight.AddDays(1), RollupStep.Hour);
        var day = Assert.Single(store.Series("px1", Midnight, Midnight.AddDays(1), RollupStep.Day));

        Assert.Equal(24, hours.Count);
        Assert.All(hours, h => Assert.InRange(h.Bucket.Visitors!.Value, 505, 515));
        Assert.Equal(Midnight, day.Time);
        Assert.Equal(24 * 510, day.Bucket.Events);
        // Sparse sketches this small are near exact: the day is 740, where the hours sum to 12 240.
        Assert.InRange(day.Bucket.Visitors!.Value, 735, 745);
    }

    [Fact]
    public void Days_are_utc_days_summed_from_their_hours_and_a_range_includes_every_day_it_touches()
    {
        var day1 = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var store = new RollupStore(time: new FakeTimeProvider(day1.AddDays(3)));
        store.Add(Row("px1", day1.AddHours(23).AddMinutes(59), "a"));
        store.Add(Row("px2", day1.AddHours(23).AddMinutes(59), "b", e => (e.EventName, e.Value, e.Currency) = ("purchase", 10, "EUR")));
        store.Add(Row("px1", day1.AddDays(1), "a"));
        store.Add(Row("px1", day1.AddDays(2).AddHours(5), "c", e => e.Country = "DE"));

        // From the middle of day 1 to the middle of day 3.
        var days = store.Series(null, day1.AddHours(12), day1.AddDays(2).AddHours(1), RollupStep.Day);
        var total = store.Total(null, day1.AddHours(12), day1.AddDays(2).AddHours(1), RollupStep.Day);

        Assert.Equal([(day1, 2L, 2L), (day1.AddDays(1), 1L, 1L), (day1.AddDays(2), 1L, 1L)], days.Select(d => (d.Time, d.Bucket.Events, d.Bucket.Visitors!.Value)));
        Assert.Equal(1, days[0].Bucket.Conversions);
        Assert.Equal(1000, days[0].Bucket.ValueByCurrency.Counts["EUR"]);
        Assert.Equal(1, days[2].Bucket.Countries.Counts["DE"]);
        Assert.Equal((4L, 3L), (total.Events, total.Visitors!.Value));
        Assert.Single(store.Series("px2", day1, day1.AddDays(3), RollupStep.Day));
    }

    [Fact]
    public void Events_without_a_visitor_id_are_counted_but_are_no_visitor()
    {
        var store = new RollupStore(time: _time);
        store.Add(Row("px1", Ten, ""));
        store.Add(Row("px1", Ten, "v1"));
        store.Add(Row("px1", Ten, "v1"));

        var minute = store.Total("px1", Ten, Ten.AddMinutes(1), RollupStep.Minute);

        Assert.Equal((3L, 1L), (minute.Events, minute.Visitors!.Value));
        Assert.Equal(0, store.Total("px1", Ten.AddHours(-1), Ten, RollupStep.Hour).Visitors);
    }

    [Fact]
    public void A_quiet_minute_costs_bytes_not_the_kilobytes_of_dense_sketches()
    {
        var store = new RollupStore(time: _time);
        store.Add(Row("px1", Ten, "v1"));
        var one = store.ApproximateBytes;
        store.Add(Row("px1", Ten, "v2"));
        store.Add(Row("px1", Ten, "v3"));

        output.WriteLine($"one event: {one} bytes; three visitors: {store.ApproximateBytes} bytes");
        // Dense sketches alone would be 4 KiB for the minute and 16 KiB for the hour.
        Assert.True(store.ApproximateBytes < 16 * 1024, $"{store.ApproximateBytes} bytes");
        Assert.InRange(store.ApproximateBytes - one, 0, 64);
    }

    [Fact]
    public void Merging_buckets_of_different_precisions_makes_visitors_unknown_rather_than_wrong()
    {
        var minute = new RollupBucket(new RollupLimits(), RollupStore.MinuteVisitorPrecision);
        var hour = new RollupBucket(new RollupLimits(), RollupStore.HourVisitorPrecision);
        minute.Add(Row("px1", Ten, "a"));
        hour.Add(Row("px1", Ten, "b"));

        hour.Merge(minute);

        Assert.Null(hour.Visitors);
        Assert.Equal(2, hour.Events);
    }

    private static void AssertWithin(long estimate, long truth, double standardError, string tier)
    {
        var error = (double)(estimate - truth) / truth;
        Assert.True(Math.Abs(error) <= 3 * standardError, $"{tier}: estimate {estimate}, error {error:P3}, over three standard errors ({3 * standardError:P3})");
    }

    private static EventRow Row(string pixel, DateTimeOffset at, string visitor, Action<EventRow>? change = null)
    {
        var row = new EventRow { PixelId = pixel, EventTime = at, ReceivedTime = at, EventId = Guid.NewGuid().ToString("N"), VisitorId = visitor };
        change?.Invoke(row);
        return row;
    }
}
