using Gateway.Dashboards.Rollups;
using Gateway.Dashboards.Tests.Rollups.Support;
using Gateway.Processing.Enrichment;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Dashboards.Tests.Rollups;

/// <summary>The store-wide memory budget: a flood of made-up values stays under it, and every event is still counted.</summary>
public sealed class RollupBudgetTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_flood_of_made_up_values_over_days_stays_under_the_budget_and_every_event_is_counted()
    {
        const long Budget = 8L * 1024 * 1024;
        var time = new FakeTimeProvider(Start);
        var store = new RollupStore(new RollupOptions { MaxBytes = Budget }, time);
        var random = new Random(7);
        var added = 0L;
        var peak = 0L;
        var degradedAt = -1L;
        // Three days, a minute at a time: every event an attacker's own pixel id, event name, country, browser, page,
        // referrer and visitor, with long values.
        for (var minute = 0; minute < 3 * 24 * 60; minute++)
        {
            for (var i = 0; i < 60; i++)
            {
                store.Add(RowMix.Junk(random, time.GetUtcNow().AddSeconds(i), textLength: 200));
                added++;
            }

            var bytes = store.ApproximateBytes;
            peak = Math.Max(peak, bytes);
            Assert.True(bytes <= Budget, $"{bytes} bytes after minute {minute}, over the budget of {Budget}");
            if (degradedAt < 0 && store.Degraded > 0)
            {
                degradedAt = added;
            }

            time.Advance(TimeSpan.FromMinutes(1));
        }

        var now = time.GetUtcNow();
        var hours = store.Total(null, Start, now, RollupStep.Hour);
        var days = store.Series(null, Start, now, RollupStep.Day);
        var lastMinutes = store.Total(null, now.AddHours(-47), now, RollupStep.Minute);
        output.WriteLine($"{added} events, peak {peak} bytes of {Budget}, degraded from event {degradedAt}, {store.Degraded} degraded, {store.Pixels.Count} pixels");

        Assert.True(store.Degraded > 0);
        Assert.Equal(added, hours.Events);
        Assert.Equal(added, days.Sum(d => d.Bucket.Events));
        Assert.Equal(47 * 60 * 60, lastMinutes.Events);
        Assert.Equal(hours.Events, hours.EventNames.Total);
        Assert.Equal(hours.Events, hours.Countries.Total);
        Assert.Equal(hours.Bots, store.Series(null, Start, now, RollupStep.Hour).Sum(p => p.Bucket.Bots));
        Assert.Contains(RollupOptions.OtherPixel, store.Pixels);
        Assert.True(hours.EventNames.Counts[Tally.Other] > 0);
        Assert.Contains(hours.TopPages(64), p => p.Key == Tally.Other);
    }

    [Fact]
    public void Once_old_buckets_leave_the_retention_new_values_are_kept_again()
    {
        const long Budget = 6L * 1024 * 1024;
        var time = new FakeTimeProvider(Start);
        var store = new RollupStore(new RollupOptions { MaxBytes = Budget, MinuteRetention = TimeSpan.FromHours(2), Retention = TimeSpan.FromHours(6) }, time);
        var random = new Random(9);
        while (store.Degraded == 0)
        {
            for (var i = 0; i < 50; i++)
            {
                store.Add(RowMix.Junk(random, time.GetUtcNow(), textLength: 200));
            }

            time.Advance(TimeSpan.FromMinutes(1));
        }

        var full = store.ApproximateBytes;
        time.Advance(TimeSpan.FromHours(7));
        store.Add(Row("px-new", time.GetUtcNow(), "XX"));
        var minute = store.Total(null, time.GetUtcNow(), time.GetUtcNow().AddMinutes(1), RollupStep.Minute);

        Assert.True(store.ApproximateBytes < full / 10, $"{store.ApproximateBytes} bytes after the retention, {full} before");
        Assert.Equal(1, minute.Countries.Counts["XX"]);
    }

    [Theory]
    // Plenty of room: everything grows.
    [InlineData(256L * 1024 * 1024)]
    // The budget is reached early: most events take the degraded path.
    [InlineData(4L * 1024 * 1024)]
    public void The_running_byte_count_equals_a_recount_of_every_bucket(long budget)
    {
        var time = new FakeTimeProvider(Start);
        var store = new RollupStore(new RollupOptions { MaxBytes = budget, MinuteRetention = TimeSpan.FromHours(3), Retention = TimeSpan.FromDays(2) }, time);
        var mix = new RowMix(seed: 5, pixels: 8);
        var random = new Random(6);
        for (var minute = 0; minute < 3 * 24 * 60; minute += 7)
        {
            for (var i = 0; i < 40; i++)
            {
                var at = time.GetUtcNow().AddMinutes(-random.Next(0, 240));
                store.Add(i % 5 == 0 ? RowMix.Junk(random, at, textLength: 200) : mix.Next(at));
            }

            time.Advance(TimeSpan.FromMinutes(7));
            Assert.Equal(store.RecountBytes(), store.ApproximateBytes);
        }

        Assert.Equal(budget < 8 * 1024 * 1024, store.Degraded > 0);
    }

    [Fact]
    public void A_budget_too_small_for_the_retention_is_refused_with_the_amount_needed()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RollupStore(new RollupOptions { MaxBytes = 1024 * 1024 }));

        Assert.Contains("MaxBytes is 1048576 bytes, but these retentions and limits need at least", error.Message, StringComparison.Ordinal);
        _ = new RollupStore(new RollupOptions { MaxBytes = 1024 * 1024, MinuteRetention = TimeSpan.FromHours(1), Retention = TimeSpan.FromDays(1) });
    }

    private static EventRow Row(string pixel, DateTimeOffset at, string country) =>
        new() { PixelId = pixel, EventTime = at, ReceivedTime = at, EventId = Guid.NewGuid().ToString("N"), VisitorId = "v", Country = country };
}
